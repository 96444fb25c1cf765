import Autodiff

/// torchvision's ResNet basic block: two 3x3 convolutions with batch norm, added to the input
/// (through a 1x1 strided convolution + batch norm, `downsample`, when the shape changes).
public final class BasicBlock<Scalar: TensorScalar>: Layer {
    public let conv1: Conv2d<Scalar>
    public let bn1: BatchNorm2d<Scalar>
    public let conv2: Conv2d<Scalar>
    public let bn2: BatchNorm2d<Scalar>
    /// Present when stride ≠ 1 or the channel count changes: Sequential(conv 1x1, batch norm).
    public let downsample: Sequential<Scalar>?

    public init(inputChannels: Int, outputChannels: Int, stride: Int = 1, generator: inout RandomGenerator) {
        conv1 = Conv2d(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 3, stride: stride, padding: 1,
                       bias: false, weightInit: .kaimingNormalFanOut, generator: &generator)
        bn1 = BatchNorm2d(channels: outputChannels)
        conv2 = Conv2d(inputChannels: outputChannels, outputChannels: outputChannels, kernelSize: 3, stride: 1, padding: 1,
                       bias: false, weightInit: .kaimingNormalFanOut, generator: &generator)
        bn2 = BatchNorm2d(channels: outputChannels)
        if stride != 1 || inputChannels != outputChannels {
            downsample = Sequential([
                Conv2d(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 1, stride: stride,
                       bias: false, weightInit: .kaimingNormalFanOut, generator: &generator),
                BatchNorm2d(channels: outputChannels),
            ])
        } else {
            downsample = nil
        }
    }


    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let identity = downsample.map { $0(input) } ?? input
        // Batch norm, residual addition and ReLU fused (BatchNorm2d.withReLU): same values, fewer passes.
        let out = bn1.withReLU(conv1(input))
        return bn2.withReLU(conv2(out), adding: identity)
    }
}
