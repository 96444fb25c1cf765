import Autodiff
import Layers
import LRN
import Training

extension LRNModel where Backbone.Scalar == Float {
    /// HUM's draws are made for the whole global batch, from the stream every process shares,
    /// and this shard takes its rows: the loss and the generator's position are those of one
    /// process training the global batch. (CLD needs nothing: its σ² depends on the centres
    /// only, so the global L_cld is the shards' L_cld weighted by their share.)
    public func trainingStep(images: Tensor<Float>, labels: [Int], shard: BatchShard, generator: inout RandomGenerator) -> TrainingStepOutput {
        let features = backbone.features(images)
        var draws: LogitNoiseDraws<Float>?
        if objective.usesHUM {
            let global = head.draws(batchSize: shard.globalCount, generator: &generator)
            draws = shard.isWhole ? global : LogitNoiseDraws(correlated: global.correlated.slice(axis: 0, range: shard.rows),
                                                             diagonal: global.diagonal?.slice(axis: 0, range: shard.rows))
        }
        let loss = self.loss(features: features, labels: labels, draws: draws)
        let scores = Graph.withoutRecording { head.fc1(features) }
        return TrainingStepOutput(loss: loss.total, scores: scores)
    }
}
