import Autodiff

/// Inverted dropout: in training, zero each element with `probability` and scale the rest by
/// 1/(1 - probability); identity in evaluation. The masks come from the layer's own generator,
/// split from the one given at construction, so a run is reproduced by its seed.
public final class Dropout<Scalar: TensorScalar>: StatelessLayer {
    public let probability: Double
    public var generator: RandomGenerator
    public var isTraining = true

    public init(probability: Double, generator: inout RandomGenerator) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.generator = generator.split()
    }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        input.dropout(probability: probability, training: isTraining, generator: &generator)
    }
}
