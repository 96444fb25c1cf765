import Autodiff
import Layers

/// Any `TrainableModel` behind one type, so that a comparison can train models of different
/// types (an LRN model, a `Classifier` with a user's loss) with the same code. Names, tensors
/// and the training mode are the wrapped model's own: checkpoints are unchanged by the wrapping.
public final class AnyTrainableModel: TrainableModel {
    public typealias Scalar = Float
    public let base: any TrainableModel

    public init(_ base: some TrainableModel) {
        self.base = (base as? AnyTrainableModel)?.base ?? base
    }

    public var namedParameters: [(name: String, tensor: Tensor<Float>)] { base.namedParameters }
    public var namedBuffers: [(name: String, tensor: Tensor<Float>)] { base.namedBuffers }
    public var isTraining: Bool {
        get { base.isTraining }
        set { base.isTraining = newValue }
    }

    public func trainingStep(images: Tensor<Float>, labels: [Int], generator: inout RandomGenerator) -> TrainingStepOutput {
        base.trainingStep(images: images, labels: labels, generator: &generator)
    }

    public func trainingStep(images: Tensor<Float>, labels: [Int], shard: BatchShard, generator: inout RandomGenerator) -> TrainingStepOutput {
        base.trainingStep(images: images, labels: labels, shard: shard, generator: &generator)
    }

    public func probabilities(images: Tensor<Float>, generator: inout RandomGenerator) -> Tensor<Float> {
        base.probabilities(images: images, generator: &generator)
    }

    public var architectureSummary: String { base.architectureSummary }
}
