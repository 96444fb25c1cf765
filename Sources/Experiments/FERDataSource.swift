import Autodiff
import FERData
import Foundation
import Training

/// FERData's data sets behind the loop's `EpochDataSource`: the training set (with noisy labels
/// when noise was injected) through a prefetching `BatchLoader` with random horizontal flips, the
/// test set in order without augmentation.
public final class FERDataSource<Train: LabeledImageDataset, Test: LabeledImageDataset>: EpochDataSource {
    public let train: Train
    public let test: Test
    public let imageSize: Int
    public let classBalanced: Bool
    public let decodeThreads: Int

    public init(train: Train, test: Test, imageSize: Int, classBalanced: Bool, decodeThreads: Int = 1) {
        self.train = train
        self.test = test
        self.imageSize = imageSize
        self.classBalanced = classBalanced
        self.decodeThreads = decodeThreads
    }

    public var classNames: [String] { train.classNames }
    public var trainingCount: Int { train.count }
    public var testCount: Int { test.count }

    public func trainingBatches(epoch: Int, seed: UInt64, batchSize: Int) throws -> BatchStream {
        stream(try trainingLoader(seed: seed, batchSize: batchSize).start(epoch: epoch))
    }

    /// Decodes only the shard's rows of each batch.
    public func trainingBatches(epoch: Int, seed: UInt64, batchSize: Int, shardOf: @escaping (Int) -> Range<Int>) throws -> BatchStream {
        stream(try trainingLoader(seed: seed, batchSize: batchSize).start(epoch: epoch, rows: shardOf))
    }

    private func trainingLoader(seed: UInt64, batchSize: Int) throws -> BatchLoader<Train> {
        let sampler: BatchSampler = classBalanced
            ? try ClassBalancedBatchSampler(labels: train.labels, classCount: train.classCount, batchSize: batchSize, seed: seed)
            : ShuffledBatchSampler(count: train.count, batchSize: batchSize, shuffle: true, seed: seed)
        return BatchLoader(dataset: train, sampler: sampler, transform: ImageTransform(size: imageSize, randomHorizontalFlip: true),
                           seed: seed, prefetch: 2, decodeThreads: decodeThreads)
    }

    public func testBatches(batchSize: Int) throws -> BatchStream {
        let loader = BatchLoader(dataset: test, sampler: ShuffledBatchSampler(count: test.count, batchSize: batchSize, shuffle: false),
                                 transform: ImageTransform(size: imageSize), seed: 0, prefetch: 2, decodeThreads: decodeThreads)
        return stream(loader.start(epoch: 0))
    }

    private func stream(_ batches: EpochBatches) -> BatchStream {
        BatchStream {
            guard let batch = try batches.next() else { return nil }
            return TrainingBatch(images: batch.images, labels: batch.labels, globalCount: batch.globalCount)
        }
    }
}
