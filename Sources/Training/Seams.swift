import Autodiff
import Layers

// The two things the training loop needs besides an Autodiff `Optimizer`, kept as small
// protocols so the loop, checkpoints and reports can be tested with a tiny model and in-memory
// data, and so any model (LRN, `Classifier` with any loss, a user's own) and any data (FERData's
// loaders, tensors in memory) plug in with one conformance each.

/// A model the loop can train: parameters and buffers by state-dict name (from `Module`), a
/// recorded loss for a batch, and class probabilities for evaluation.
public protocol TrainableModel: Module where Scalar == Float {
    /// The training objective for one batch, recorded for `backward()`, and the batch's class
    /// scores (for the running training accuracy). `generator` feeds any sampling the
    /// objective does (HUM's Monte-Carlo noise).
    func trainingStep(images: Tensor<Float>, labels: [Int], generator: inout RandomGenerator) -> TrainingStepOutput
    /// The same on rows `shard.rows` of a global batch of `shard.globalCount` (`images` and
    /// `labels` hold only those rows), for data-parallel training. A model that draws random
    /// numbers per sample draws them for the whole global batch and uses its shard's rows, so
    /// the loss is the single-process one; the default ignores the shard.
    func trainingStep(images: Tensor<Float>, labels: [Int], shard: BatchShard, generator: inout RandomGenerator) -> TrainingStepOutput
    /// Class probabilities [N, C] for evaluation; called inside `Graph.withoutRecording`.
    func probabilities(images: Tensor<Float>, generator: inout RandomGenerator) -> Tensor<Float>
    /// What the model is (architecture, head, objective), for the checkpoint fingerprint.
    var architectureSummary: String { get }
}

public struct TrainingStepOutput {
    /// The scalar loss, recorded.
    public var loss: Tensor<Float>
    /// Scores [N, C] whose argmax is the prediction (logits or probabilities), not needed for backward.
    public var scores: Tensor<Float>
    public init(loss: Tensor<Float>, scores: Tensor<Float>) {
        self.loss = loss
        self.scores = scores
    }
}

/// One batch: images [N, channels, height, width] (or any layout the model expects) and labels.
/// Under data parallelism it may hold only this process's rows of a global batch of
/// `globalCount` (`EpochDataSource.trainingBatches(epoch:seed:batchSize:shardOf:)`).
public struct TrainingBatch {
    public var images: Tensor<Float>
    public var labels: [Int]
    /// The size of the global batch these rows belong to; `labels.count` for a whole batch.
    public var globalCount: Int
    public init(images: Tensor<Float>, labels: [Int], globalCount: Int? = nil) {
        self.images = images
        self.labels = labels
        self.globalCount = globalCount ?? labels.count
    }
    public var isWhole: Bool { globalCount == labels.count }
}

/// Where the batches come from. Training batches must be a pure function of
/// (seed, epoch): that is what makes `--resume` continue exactly where a killed run stopped,
/// since a checkpoint then only needs the epoch to restore the loader's position.
public protocol EpochDataSource {
    var classNames: [String] { get }
    var trainingCount: Int { get }
    var testCount: Int { get }
    /// The shuffled, augmented training batches of one epoch.
    func trainingBatches(epoch: Int, seed: UInt64, batchSize: Int) throws -> BatchStream
    /// Only the rows `shardOf(globalCount)` of each of those batches, as `TrainingBatch`es that
    /// know their global size: what one of several processes trains on. The default slices the
    /// whole batches; a source that decodes images implements it to decode only these rows.
    func trainingBatches(epoch: Int, seed: UInt64, batchSize: Int, shardOf: @escaping (Int) -> Range<Int>) throws -> BatchStream
    /// The test set in a fixed order, without augmentation.
    func testBatches(batchSize: Int) throws -> BatchStream
}

extension EpochDataSource {
    public func trainingBatches(epoch: Int, seed: UInt64, batchSize: Int, shardOf: @escaping (Int) -> Range<Int>) throws -> BatchStream {
        let whole = try trainingBatches(epoch: epoch, seed: seed, batchSize: batchSize)
        return BatchStream {
            guard let batch = try whole.next() else { return nil }
            let rows = shardOf(batch.labels.count)
            if rows.count == batch.labels.count { return batch }
            return TrainingBatch(images: batch.images.slice(axis: 0, range: rows), labels: Array(batch.labels[rows]),
                                 globalCount: batch.labels.count)
        }
    }
}

/// A stream of batches whose reading may fail (a corrupt image met half-way through an epoch).
public struct BatchStream {
    private let nextBatch: () throws -> TrainingBatch?
    public init(_ next: @escaping () throws -> TrainingBatch?) { nextBatch = next }
    /// The batches of an array, in order.
    public init(_ batches: [TrainingBatch]) {
        var iterator = batches.makeIterator()
        nextBatch = { iterator.next() }
    }
    public func next() throws -> TrainingBatch? { try nextBatch() }
}
