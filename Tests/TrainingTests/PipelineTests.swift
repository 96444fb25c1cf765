import Autodiff
import FERData
import Foundation
import Testing
@testable import Training
@testable import Experiments

@Suite("Pipeline on generated RAF-DB-layout data")
struct PipelineTests {
    /// A tiny synthetic data set in RAF-DB's layout, written by the test.
    static func fixture() throws -> (train: AnyLabeledImageDataset, test: AnyLabeledImageDataset) {
        let root = try temporaryFolder("rafdb").appendingPathComponent("basic").path
        try SyntheticRAFDB.generate(at: root, configuration: SyntheticRAFDB.Configuration(trainCount: 140, testCount: 70, imageSize: 32, seed: 1), threads: 1)
        return try DatasetKind.rafDB.load(root: root)
    }

    @Test("images decoded by the FERData loader train a model whose loss falls; noisy labels reach the loop")
    func endToEnd() throws {
        let (train, test) = try Self.fixture()
        let noisy = try LabelNoise.apply(to: train, mode: .exactFraction(0.3), seed: 3)
        #expect(noisy.noise.matrix.flipped > 0)
        let source = FERDataSource(train: noisy.dataset, test: test, imageSize: 16, classBalanced: false)
        #expect(source.classNames == ExpressionClasses.rafDB && source.trainingCount == 140 && source.testCount == 70)

        let model = PixelLinearModel(inputCount: 3 * 16 * 16, classes: 7, seed: 4)
        let optimizer = try SGD(parameters: model.parameters, learningRate: 0.002, momentum: 0.9)
        let trainer = Trainer(model: model, optimizer: optimizer, data: source,
                              configuration: TrainerConfiguration(name: "pixels", epochs: 5, batchSize: 32,
                                                                  learningRate: 0.002, schedule: try! StepDecay(stepSize: 10, gamma: 0.1), seed: 5),
                              fingerprint: RunFingerprint([:]), progress: ProgressDisplay(style: .silent))
        let result = try trainer.run()
        #expect(result.history.last!.trainLoss < 0.95 * result.history.first!.trainLoss)
        #expect(result.confusion.total == 70)
    }

    @Test("training batches depend only on (seed, epoch): the same twice, different across epochs")
    func deterministicBatches() throws {
        let (train, test) = try Self.fixture()
        let source = FERDataSource(train: train, test: test, imageSize: 16, classBalanced: false)
        func labels(epoch: Int) throws -> [Int] {
            let stream = try source.trainingBatches(epoch: epoch, seed: 9, batchSize: 50)
            var all: [Int] = []
            var pixels: Float = 0
            while let batch = try stream.next() {
                all += batch.labels
                pixels += batch.images.scalars.reduce(0, +)
            }
            return all + [Int(pixels)]
        }
        #expect(try labels(epoch: 1) == labels(epoch: 1))
        #expect(try labels(epoch: 1) != labels(epoch: 2))
    }

    @Test("class-balanced batches put every class in every batch")
    func balanced() throws {
        let (train, test) = try Self.fixture()
        let source = FERDataSource(train: train, test: test, imageSize: 16, classBalanced: true)
        let stream = try source.trainingBatches(epoch: 1, seed: 2, batchSize: 14)
        var batches = 0
        while let batch = try stream.next() {
            batches += 1
            #expect(Set(batch.labels).count == 7)
        }
        #expect(batches == 10)
    }
}
