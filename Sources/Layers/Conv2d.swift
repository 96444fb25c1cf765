import Autodiff

/// 2-D convolution over [N, C, H, W] with a weight of PyTorch's shape [out, in/groups, k, k]
/// and an optional bias. Initialised as PyTorch's nn.Conv2d; ResNets re-initialise with
/// `Initialization.kaimingNormalFanOut` as torchvision does.
public final class Conv2d<Scalar: TensorScalar>: Layer {
    public var weight: Tensor<Scalar>
    public var bias: Tensor<Scalar>?
    public let stride: Int
    public let padding: Int
    public let dilation: Int
    public let groups: Int
    public var isTraining = true

    public enum WeightInit: Sendable {
        /// nn.Conv2d's default: kaiming-uniform with a = √5, i.e. U(-1/√fan_in, 1/√fan_in).
        case pytorchDefault
        /// torchvision ResNet: kaiming-normal, fan-out, ReLU gain.
        case kaimingNormalFanOut
    }

    public var inputChannels: Int { weight.shape[1] * groups }
    public var outputChannels: Int { weight.shape[0] }
    public var kernelSize: Int { weight.shape[2] }

    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, weightInit: WeightInit = .pytorchDefault,
                generator: inout RandomGenerator) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0 && dilation > 0 && groups > 0,
                     "Conv2d: invalid configuration in=\(inputChannels) out=\(outputChannels) k=\(kernelSize) stride=\(stride) padding=\(padding) dilation=\(dilation) groups=\(groups)")
        precondition(inputChannels % groups == 0 && outputChannels % groups == 0,
                     "Conv2d: channels \(inputChannels) -> \(outputChannels) are not divisible by groups=\(groups)")
        let shape = [outputChannels, inputChannels / groups, kernelSize, kernelSize]
        switch weightInit {
        case .pytorchDefault: weight = Initialization.pytorchDefaultWeight(shape, generator: &generator)
        case .kaimingNormalFanOut: weight = Initialization.kaimingNormalFanOut(shape, generator: &generator)
        }
        self.bias = bias ? Initialization.pytorchDefaultBias(outputChannels, fanIn: Initialization.fans(shape).fanIn, generator: &generator) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    /// A convolution with the given weight [out, in/groups, k, k] and bias [out] (e.g. batch norm
    /// folded into it, `ResNet.foldedForInference`).
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>?, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
        precondition(weight.rank == 4 && weight.shape[2] == weight.shape[3] && stride > 0 && padding >= 0 && dilation > 0 && groups > 0
                     && weight.shape[0] % groups == 0 && (bias == nil || bias!.shape == [weight.shape[0]]),
                     "Conv2d: weight \(shapeString(weight.shape)) must be [out, in/groups, k, k] with out divisible by groups=\(groups), bias \(bias.map { shapeString($0.shape) } ?? "none") must be [out]; stride \(stride), padding \(padding), dilation \(dilation)")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        guard input.rank == 4, input.shape[1] == inputChannels else {
            fatalError("Conv2d(\(inputChannels) -> \(outputChannels), \(kernelSize)x\(kernelSize)): expected input [N, \(inputChannels), H, W], got \(shapeString(input.shape))")
        }
        return input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
