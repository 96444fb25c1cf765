import Autodiff
import FERData
import Foundation
import Testing

/// The path the training examples take: built-in data set → RAF-DB loader → noise on the
/// training set only → sampler → background loader → [B, 3, 112, 112] batches.
@Suite struct PipelineTests {
    @Test func syntheticDataThroughNoiseAndLoader() throws {
        let folder = TemporaryFolder()
        let root = try SyntheticRAFDB.ensure(at: folder.file("default"),
                                             configuration: .init(trainCount: 42, testCount: 14, imageSize: 64, seed: 9))
        let (train, test) = try RAFDB.load(root: root)
        let testLabelsBefore = test.labels
        let (noisyTrain, noise) = try LabelNoise.apply(to: train, mode: .exactFraction(0.3), seed: 9)
        #expect(noise.matrix.flipped == train.classCounts.map { LabelNoise.flipCount(classSize: $0, fraction: 0.3) }.reduce(0, +))
        #expect(test.labels == testLabelsBefore)

        let sampler = try ClassBalancedBatchSampler(labels: noisyTrain.labels, classCount: 7, batchSize: 14, seed: 9)
        let transform = ImageTransform(size: 112, randomHorizontalFlip: true)
        let loader = BatchLoader(dataset: noisyTrain, sampler: sampler, transform: transform, seed: 9, decodeThreads: 2)
        let epoch = loader.start(epoch: 0)
        var batches = 0
        while let batch = try epoch.next() {
            #expect(batch.images.shape == [14, 3, 112, 112])
            #expect(Set(batch.labels).count == 7)
            #expect(batch.labels == batch.indices.map { noise.labels[$0] })  // the noisy labels, not the clean ones
            let values = batch.images.scalars
            #expect(values.allSatisfy { $0.isFinite && $0 > -2.2 && $0 < 2.7 })  // ImageNet-normalised range
            batches += 1
        }
        #expect(batches == 3)

        let evaluation = BatchLoader(dataset: test, sampler: ShuffledBatchSampler(count: test.count, batchSize: 8, shuffle: false),
                                     transform: ImageTransform(size: 112), seed: 0)
        let first = try #require(try evaluation.start(epoch: 0).next())
        #expect(first.indices == Array(0..<8) && first.labels == Array(testLabelsBefore.prefix(8)))
    }
}
