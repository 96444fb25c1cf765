import Autodiff

extension TrainableModel {
    /// A model without per-sample random draws: its shard's step is its ordinary step.
    public func trainingStep(images: Tensor<Float>, labels: [Int], shard: BatchShard, generator: inout RandomGenerator) -> TrainingStepOutput {
        trainingStep(images: images, labels: labels, generator: &generator)
    }
}
