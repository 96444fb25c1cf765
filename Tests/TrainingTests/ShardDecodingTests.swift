import Autodiff
import FERData
import Foundation
import Testing
@testable import Training
@testable import Experiments

/// Under data parallelism each process decodes only its rows of every batch
/// (`EpochDataSource.trainingBatches(epoch:seed:batchSize:shardOf:)`): the rows must be those of
/// the whole batch, pixel for pixel (each sample's flip is drawn from its position in the epoch).
@Suite("Decoding a process's shard only")
struct ShardDecodingTests {
    func batches(_ stream: BatchStream) throws -> [TrainingBatch] {
        var all: [TrainingBatch] = []
        while let batch = try stream.next() { all.append(batch) }
        return all
    }

    @Test("each of 3 processes gets its rows of every batch, bit for bit, with the global size; a short last batch leaves one empty",
          arguments: [false, true])
    func shardsAreSlicesOfTheWholeBatches(_ classBalanced: Bool) throws {
        let (train, test) = try PipelineTests.fixture()
        let source = FERDataSource(train: train, test: test, imageSize: 16, classBalanced: classBalanced)
        let batchSize = classBalanced ? 14 : 31  // 140 images in batches of 31: the last holds 16
        let whole = try batches(try source.trainingBatches(epoch: 2, seed: 7, batchSize: batchSize))
        var sawEmpty = false
        for rank in 0..<3 {
            let shards = try batches(try source.trainingBatches(epoch: 2, seed: 7, batchSize: batchSize, shardOf: { count in
                BatchShard(globalCount: count, rank: rank, size: 3).rows
            }))
            #expect(shards.count == whole.count)
            for (shard, batch) in zip(shards, whole) {
                let rows = BatchShard(globalCount: batch.labels.count, rank: rank, size: 3).rows
                #expect(shard.globalCount == batch.labels.count && shard.labels == Array(batch.labels[rows]))
                #expect(shard.images.scalars.map(\.bitPattern) == batch.images.slice(axis: 0, range: rows).scalars.map(\.bitPattern))
                sawEmpty = sawEmpty || shard.labels.isEmpty
            }
        }
        // 31 images over 3 processes leave none empty; it is the 16-image tail split 6/5/5. Shards of 0 rows
        // appear only for batches smaller than the group, checked by the default below.
        #expect(!sawEmpty)
    }

    @Test("the default for other sources slices the whole batches, and keeps whole ones as they are")
    func defaultSlices() throws {
        let source = try InMemoryDataSource(classNames: ["a", "b"], trainSamples: Tensor(shape: [5, 2], scalars: (0..<10).map(Float.init)),
                                            trainLabels: [0, 1, 0, 1, 0], testSamples: Tensor(shape: [1, 2], scalars: [0, 0]), testLabels: [0])
        let whole = try batches(try source.trainingBatches(epoch: 1, seed: 3, batchSize: 2))
        let last = try batches(try source.trainingBatches(epoch: 1, seed: 3, batchSize: 2, shardOf: { count in
            BatchShard(globalCount: count, rank: 1, size: 2).rows
        }))
        #expect(last.map(\.globalCount) == whole.map(\.labels.count))
        #expect(last.map(\.labels) == whole.map { Array($0.labels[BatchShard(globalCount: $0.labels.count, rank: 1, size: 2).rows]) })
        #expect(last.last?.labels.isEmpty == true)  // the 1-image tail: rank 1's shard is empty
        let all = try batches(try source.trainingBatches(epoch: 1, seed: 3, batchSize: 2, shardOf: { 0..<$0 }))
        #expect(all.allSatisfy(\.isWhole) && all.map(\.labels) == whole.map(\.labels))
    }
}
