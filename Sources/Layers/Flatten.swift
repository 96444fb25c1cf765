import Autodiff

/// Merges every dimension from `startAxis` on (default 1: [N, C, H, W] -> [N, C·H·W]).
public final class Flatten<Scalar: TensorScalar>: StatelessLayer {
    public let startAxis: Int
    public var isTraining = true
    public init(startAxis: Int = 1) { self.startAxis = startAxis }
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { input.flattened(from: startAxis) }
}
