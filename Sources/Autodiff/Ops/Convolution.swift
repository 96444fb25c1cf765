import CKernels

// 2-D convolution, NCHW, on the im2col + gemm kernels of Sources/CKernels/conv_impl.h. Backward
// computes the input, weight and bias gradients in one kernel call (the columns are rebuilt
// there rather than kept from forward, which would cost kh*kw times the input's memory).

/// The validated geometry of a conv2d call. Its initializer throws a `ShapeError` that names the
/// op and every shape when the arguments do not fit together.
public struct Conv2dGeometry: Equatable, Sendable {
    public let batch, inChannels, height, width: Int
    public let outChannels, kernelHeight, kernelWidth: Int
    public let outHeight, outWidth: Int
    public let stride, padding, dilation, groups: Int

    public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }

    public init(input: [Int], weight: [Int], bias: [Int]?, stride: Int, padding: Int, dilation: Int, groups: Int) throws {
        let biasText = bias.map { ", bias \(shapeString($0))" } ?? ""
        let context = "input \(shapeString(input)), weight \(shapeString(weight))\(biasText), stride \(stride), padding \(padding), dilation \(dilation), groups \(groups)"
        func fail(_ why: String) -> ShapeError { ShapeError("conv2d", "\(why) (\(context))") }
        guard input.count == 4 else { throw fail("input must be [N, C, H, W]") }
        guard weight.count == 4 else { throw fail("weight must be [O, C/groups, KH, KW]") }
        guard stride >= 1, dilation >= 1, padding >= 0, groups >= 1 else {
            throw fail("stride, dilation and groups must be >= 1 and padding >= 0")
        }
        guard input[1] >= 1, input[2] >= 1, input[3] >= 1, weight.allSatisfy({ $0 >= 1 }) else {
            throw fail("channel, spatial and kernel sizes must be >= 1")
        }
        guard input[1] % groups == 0, weight[0] % groups == 0 else {
            throw fail("groups \(groups) must divide both the input channels \(input[1]) and the output channels \(weight[0])")
        }
        guard weight[1] * groups == input[1] else {
            throw fail("weight expects \(weight[1] * groups) input channels (\(weight[1]) per group × \(groups) groups), input has \(input[1])")
        }
        if let bias, bias != [weight[0]] {
            throw fail("bias must be [\(weight[0])]")
        }
        let spanH = dilation * (weight[2] - 1) + 1, spanW = dilation * (weight[3] - 1) + 1
        guard spanH <= input[2] + 2 * padding, spanW <= input[3] + 2 * padding else {
            throw fail("kernel (dilated extent \(spanH)×\(spanW)) is larger than the padded input \(input[2] + 2 * padding)×\(input[3] + 2 * padding)")
        }
        batch = input[0]; inChannels = input[1]; height = input[2]; width = input[3]
        outChannels = weight[0]; kernelHeight = weight[2]; kernelWidth = weight[3]
        outHeight = (input[2] + 2 * padding - spanH) / stride + 1
        outWidth = (input[3] + 2 * padding - spanW) / stride + 1
        self.stride = stride; self.padding = padding; self.dilation = dilation; self.groups = groups
    }

    var kernelShape: ck_conv2d_shape {
        ck_conv2d_shape(n: batch, c: inChannels, h: height, w: width, o: outChannels,
                        kh: kernelHeight, kw: kernelWidth, oh: outHeight, ow: outWidth,
                        stride: stride, pad: padding, dilation: dilation, groups: groups)
    }

    /// Multiply-adds × 2 of one forward pass (backward costs twice this).
    public var forwardFlops: Double {
        2 * Double(batch * outChannels * outHeight * outWidth) * Double(inChannels / groups * kernelHeight * kernelWidth)
    }
}

extension Tensor {
    /// x: [N, C, H, W]; weight: [O, C/groups, KH, KW]; bias: [O] or nil. Square stride/padding/dilation.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) -> Tensor {
        let x = self
        let geometry = validate {
            try Conv2dGeometry(input: x.shape, weight: weight.shape, bias: bias?.shape,
                               stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
        var s = geometry.kernelShape
        let out = Tensor(uninitializedShape: geometry.outputShape)
        Scalar.kernelConv2dForward(&s, x.data, weight.data, bias.map { UnsafePointer($0.data) }, out.data)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return out.recorded(.conv2d, inputs) { g in
            var s = geometry.kernelShape
            let gx = x.isTracked ? Tensor(uninitializedShape: x.shape) : nil
            let gw = weight.isTracked ? Tensor(uninitializedShape: weight.shape) : nil
            let gb = (bias?.isTracked ?? false) ? Tensor(uninitializedShape: bias!.shape) : nil
            Scalar.kernelConv2dBackward(&s, x.data, weight.data, g.data,
                                        gx.map { $0.data }, gw.map { $0.data }, gb.map { $0.data })
            return bias == nil ? [gx, gw] : [gx, gw, gb]
        }
    }
}
