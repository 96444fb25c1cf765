import Autodiff

/// A data set held in memory as one tensor of samples [N, …] and their labels, shuffled per
/// (seed, epoch). For small experiments, tests, and features computed once.
public struct InMemoryDataSource: EpochDataSource {
    public let classNames: [String]
    public let trainSamples: Tensor<Float>
    public let trainLabels: [Int]
    public let testSamples: Tensor<Float>
    public let testLabels: [Int]

    public init(classNames: [String], trainSamples: Tensor<Float>, trainLabels: [Int],
                testSamples: Tensor<Float>, testLabels: [Int]) throws {
        for (what, samples, labels) in [("training", trainSamples, trainLabels), ("test", testSamples, testLabels)] {
            guard samples.shape.first == labels.count else {
                throw TrainingError.data("InMemoryDataSource: \(what) samples of shape \(samples.shape) but \(labels.count) labels")
            }
            if let bad = labels.firstIndex(where: { !(0..<classNames.count).contains($0) }) {
                throw TrainingError.data("InMemoryDataSource: \(what) label \(labels[bad]) at index \(bad) is outside 0..<\(classNames.count)")
            }
        }
        self.classNames = classNames
        self.trainSamples = trainSamples
        self.trainLabels = trainLabels
        self.testSamples = testSamples
        self.testLabels = testLabels
    }

    public var trainingCount: Int { trainLabels.count }
    public var testCount: Int { testLabels.count }

    public func trainingBatches(epoch: Int, seed: UInt64, batchSize: Int) throws -> BatchStream {
        var generator = RandomGenerator(seed: Seeds.derive(seed, UInt64(epoch)))
        var order = Array(0..<trainingCount)
        generator.shuffle(&order)
        return batches(trainSamples, trainLabels, order: order, batchSize: batchSize)
    }

    public func testBatches(batchSize: Int) throws -> BatchStream {
        batches(testSamples, testLabels, order: Array(0..<testCount), batchSize: batchSize)
    }

    private func batches(_ samples: Tensor<Float>, _ labels: [Int], order: [Int], batchSize: Int) -> BatchStream {
        precondition(batchSize > 0, "batch size must be positive, got \(batchSize)")
        let rowSize = samples.count / max(samples.shape[0], 1)
        var start = 0
        return BatchStream {
            guard start < order.count else { return nil }
            let indices = order[start..<min(start + batchSize, order.count)]
            start += batchSize
            let images = Tensor<Float>(uninitializedShape: [indices.count] + samples.shape.dropFirst())
            for (row, index) in indices.enumerated() {
                (images.data + row * rowSize).update(from: samples.data + index * rowSize, count: rowSize)
            }
            return TrainingBatch(images: images, labels: indices.map { labels[$0] })
        }
    }
}
