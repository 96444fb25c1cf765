import CKernels

// Max, average and global average pooling over NCHW planes (kernels in Sources/CKernels/pool_impl.h).

/// The validated geometry of a 2-D pooling call; the initializer throws a `ShapeError` naming the
/// op and every size when they do not fit (PyTorch's rules: padding at most half the window,
/// window no larger than the padded input, floor rounding of the output size).
public struct Pool2dGeometry: Equatable, Sendable {
    public let batch, channels, height, width: Int
    public let kernelSize, stride, padding: Int
    public let outHeight, outWidth: Int

    public var outputShape: [Int] { [batch, channels, outHeight, outWidth] }

    public init(op: String, input: [Int], kernelSize: Int, stride: Int?, padding: Int) throws {
        let step = stride ?? kernelSize
        let context = "input \(shapeString(input)), kernelSize \(kernelSize), stride \(step), padding \(padding)"
        func fail(_ why: String) -> ShapeError { ShapeError(op, "\(why) (\(context))") }
        guard input.count == 4 else { throw fail("input must be [N, C, H, W]") }
        guard kernelSize >= 1, step >= 1, padding >= 0 else { throw fail("kernelSize and stride must be >= 1 and padding >= 0") }
        guard padding <= kernelSize / 2 else { throw fail("padding must be at most half the kernel size (\(kernelSize / 2))") }
        guard input[2] >= 1, input[3] >= 1 else { throw fail("spatial sizes must be >= 1") }
        guard kernelSize <= input[2] + 2 * padding, kernelSize <= input[3] + 2 * padding else {
            throw fail("kernel \(kernelSize)×\(kernelSize) is larger than the padded input \(input[2] + 2 * padding)×\(input[3] + 2 * padding)")
        }
        batch = input[0]; channels = input[1]; height = input[2]; width = input[3]
        self.kernelSize = kernelSize; self.stride = step; self.padding = padding
        outHeight = (height + 2 * padding - kernelSize) / step + 1
        outWidth = (width + 2 * padding - kernelSize) / step + 1
    }

    var kernelShape: ck_pool2d_shape {
        ck_pool2d_shape(planes: batch * channels, h: height, w: width, kernel: kernelSize, stride: stride,
                        pad: padding, oh: outHeight, ow: outWidth)
    }
}

extension Tensor {
    /// PyTorch semantics (padding counts as -inf); stride defaults to kernelSize.
    public func maxPool2d(kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let x = self
        let geometry = validate { try Pool2dGeometry(op: "maxPool2d", input: x.shape, kernelSize: kernelSize, stride: stride, padding: padding) }
        var s = geometry.kernelShape
        let out = Tensor(uninitializedShape: geometry.outputShape)
        // Where each maximum came from, for backward (kept only while the graph is).
        var argmax = [Int32](repeating: 0, count: out.count)
        argmax.withUnsafeMutableBufferPointer { arg in
            Scalar.kernelMaxPool2dForward(&s, x.data, out.data, arg.baseAddress)
        }
        let inputShape = x.shape  // backward needs argmax, not x: x is not captured
        return out.recorded(.maxPool2d, [x]) { g in
            var s = geometry.kernelShape
            let gx = Tensor(uninitializedShape: inputShape)
            Scalar.kernelMaxPool2dBackward(&s, argmax, g.data, gx.data)
            return [gx]
        }
    }

    /// PyTorch defaults (count_include_pad = true).
    public func avgPool2d(kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        let x = self
        let geometry = validate { try Pool2dGeometry(op: "avgPool2d", input: x.shape, kernelSize: kernelSize, stride: stride, padding: padding) }
        var s = geometry.kernelShape
        let out = Tensor(uninitializedShape: geometry.outputShape)
        Scalar.kernelAvgPool2dForward(&s, x.data, out.data)
        let inputShape = x.shape
        return out.recorded(.avgPool2d, [x]) { g in
            var s = geometry.kernelShape
            let gx = Tensor(uninitializedShape: inputShape)
            Scalar.kernelAvgPool2dBackward(&s, g.data, gx.data)
            return [gx]
        }
    }

    /// [N, C, H, W] -> [N, C]
    public func globalAveragePool2d() -> Tensor {
        validate { try Tensor.validateGlobalAveragePool(shape) }
        return reshaped([shape[0], shape[1], shape[2] * shape[3]]).mean(axis: 2)
    }

    /// Throws unless `shape` is [N, C, H, W] with a non-empty plane.
    public static func validateGlobalAveragePool(_ shape: [Int]) throws {
        guard shape.count == 4, shape[2] >= 1, shape[3] >= 1 else {
            throw ShapeError("globalAveragePool2d", "input must be [N, C, H, W] with H, W >= 1, got \(shapeString(shape))")
        }
    }
}
