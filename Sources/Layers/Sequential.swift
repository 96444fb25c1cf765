import Autodiff

/// Layers applied one after another; children are named "0", "1", ... as in PyTorch's
/// nn.Sequential (`downsample.0.weight`, `layer1.1.conv2.weight`).
public final class Sequential<Scalar: TensorScalar>: Layer {
    public let layers: [any Layer<Scalar>]

    public init(_ layers: [any Layer<Scalar>]) {
        self.layers = layers
    }

    /// PyTorch names a Sequential's children by position alone ("0", not "layers.0").
    public var namedChildren: [(name: String, module: any Module<Scalar>)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        layers.reduce(input) { $1($0) }
    }
}
