import Autodiff

/// max(x, 0), elementwise.
public final class ReLU<Scalar: TensorScalar>: StatelessLayer {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { input.relu() }
}
