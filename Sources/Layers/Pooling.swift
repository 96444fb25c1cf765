import Autodiff

/// Max pooling over [N, C, H, W] with a square window (PyTorch's nn.MaxPool2d; padding counts
/// as -infinity). The stride defaults to the window size, as in PyTorch.
public final class MaxPool2d<Scalar: TensorScalar>: StatelessLayer {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public var isTraining = true

    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0 && padding >= 0 && 2 * padding <= kernelSize,
                     "MaxPool2d: invalid kernelSize=\(kernelSize) stride=\(stride.map(String.init) ?? "nil") padding=\(padding) (padding must be at most half the window)")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        guard input.rank == 4 else { fatalError("MaxPool2d: expected input [N, C, H, W], got \(shapeString(input.shape))") }
        return input.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding)
    }
}

/// PyTorch's nn.AdaptiveAvgPool2d(1): the mean over each channel's H x W, keeping the
/// [N, C, 1, 1] shape (follow with Flatten for [N, C]). Other output sizes are not needed by
/// ResNets and are not offered.
public final class AdaptiveAvgPool2d<Scalar: TensorScalar>: StatelessLayer {
    public var isTraining = true
    public init() {}

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        guard input.rank == 4 else { fatalError("AdaptiveAvgPool2d: expected input [N, C, H, W], got \(shapeString(input.shape))") }
        return input.globalAveragePool2d().reshaped([input.shape[0], input.shape[1], 1, 1])
    }
}
