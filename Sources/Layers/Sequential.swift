import Autodiff

/// Layers applied one after another; children are named "0", "1", ... as in PyTorch's
/// nn.Sequential (`downsample.0.weight`, `layer1.1.conv2.weight`).
public final class Sequential<Scalar: TensorScalar>: Layer {
    public let layers: [any Layer<Scalar>]

    public var isTraining = true {
        didSet { for layer in layers { layer.isTraining = isTraining } }
    }

    public init(_ layers: [any Layer<Scalar>]) {
        self.layers = layers
    }

    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        layers.enumerated().flatMap { prefixed(String($0.offset), $0.element.namedParameters) }
    }
    public var namedBuffers: [(name: String, tensor: Tensor<Scalar>)] {
        layers.enumerated().flatMap { prefixed(String($0.offset), $0.element.namedBuffers) }
    }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        layers.reduce(input) { $1($0) }
    }
}
