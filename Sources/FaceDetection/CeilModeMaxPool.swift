import Autodiff
import Foundation
import Layers

/// PyTorch's nn.MaxPool2d(kernel, stride, ceil_mode=True) without padding: the output size is
/// rounded up, so a last, partial window at the right and bottom edges is kept. Built on
/// `maxPool2d` by extending the input with -infinity rows and columns (which never win a
/// maximum), so it stays differentiable; when nothing is recorded (inference) the windows are
/// clipped in place instead, without copies. A candidate for Layers' MaxPool2d as an option.
public final class CeilModeMaxPool2d<Scalar: TensorScalar>: StatelessLayer {
    public let kernelSize: Int
    public let stride: Int
    public var isTraining = false

    public init(kernelSize: Int, stride: Int) {
        precondition(kernelSize > 0 && stride > 0 && stride <= kernelSize,
                     "CeilModeMaxPool2d: need 0 < stride <= kernelSize, got kernelSize=\(kernelSize) stride=\(stride)")
        self.kernelSize = kernelSize
        self.stride = stride
    }

    /// PyTorch's ceil-mode output length (a window must start inside the input).
    public func outputLength(_ input: Int) -> Int {
        precondition(input >= kernelSize, "CeilModeMaxPool2d: input length \(input) is smaller than the window \(kernelSize)")
        var length = (input - kernelSize + stride - 1) / stride + 1
        if (length - 1) * stride >= input { length -= 1 }
        return length
    }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        guard input.rank == 4 else { fatalError("CeilModeMaxPool2d: expected input [N, C, H, W], got \(shapeString(input.shape))") }
        if Graph.isRecording && input.isTracked { return differentiable(input) }
        let (h, w) = (input.shape[2], input.shape[3])
        let (outHeight, outWidth) = (outputLength(h), outputLength(w))
        let out = Tensor<Scalar>(uninitializedShape: [input.shape[0], input.shape[1], outHeight, outWidth])
        let planes = input.shape[0] * input.shape[1]
        let (source, target) = (UnsafePointer(input.data), out.data)
        let (k, s) = (kernelSize, stride)
        // Planes split between threads when there is enough work (R-Net and O-Net batches).
        let chunks = planes * outHeight * outWidth * k * k >= 1 << 16 ? min(planes, ProcessInfo.processInfo.activeProcessorCount) : 1
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for plane in (planes * chunk / chunks)..<(planes * (chunk + 1) / chunks) {
                let x = source + plane * h * w, y = target + plane * outHeight * outWidth
                for oy in 0..<outHeight {
                    let row = y + oy * outWidth
                    for ox in 0..<outWidth { row[ox] = -Scalar.infinity }
                    for r in (oy * s)..<min(oy * s + k, h) {
                        let line = x + r * w
                        for ox in 0..<outWidth {
                            var best = row[ox]
                            for column in (ox * s)..<min(ox * s + k, w) {
                                let v = line[column]
                                best = v > best || v != v ? v : best  // NaN propagates, as in PyTorch
                            }
                            row[ox] = best
                        }
                    }
                }
            }
        }
        return out
    }

    /// The same pooling from recorded ops (-infinity padding, then `maxPool2d`), for training.
    func differentiable(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let paddedHeight = (outputLength(h) - 1) * stride + kernelSize
        let paddedWidth = (outputLength(w) - 1) * stride + kernelSize
        var x = input
        if paddedHeight > h {
            x = Tensor.concat([x, Tensor(repeating: -Scalar.infinity, shape: [n, c, paddedHeight - h, w])], axis: 2)
        }
        if paddedWidth > w {
            x = Tensor.concat([x, Tensor(repeating: -Scalar.infinity, shape: [n, c, paddedHeight, paddedWidth - w])], axis: 3)
        }
        return x.maxPool2d(kernelSize: kernelSize, stride: stride)
    }
}
