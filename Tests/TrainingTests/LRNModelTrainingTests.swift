import Autodiff
import FERData
import Foundation
import LRN
import Testing
@testable import Training
@testable import Experiments

@Suite("LRN models in the loop")
struct LRNModelTrainingTests {
    static func settings(_ extra: [String] = []) throws -> ExperimentSettings {
        try ExperimentSettings.resolve(try ExperimentOptions.parse(["--data", "/unused", "--backbone", "small", "--image-size", "16",
                                                                    "--mc-samples", "8", "--lr", "0.01", "--batch-size", "16"] + extra),
                                       dataset: .rafDB)
    }

    static func data() throws -> FERDataSource<RelabeledDataset<AnyLabeledImageDataset>, AnyLabeledImageDataset> {
        let root = try temporaryFolder("lrn").appendingPathComponent("basic").path
        try SyntheticRAFDB.generate(at: root, configuration: SyntheticRAFDB.Configuration(trainCount: 48, testCount: 21, imageSize: 32, seed: 3), threads: 1)
        let (train, test) = try DatasetKind.rafDB.load(root: root)
        let noisy = try LabelNoise.apply(to: train, mode: .exactFraction(0.3), seed: 1)
        return FERDataSource(train: noisy.dataset, test: test, imageSize: 16, classBalanced: false)
    }

    func trainer(_ model: ModelFactory.Model, method: MethodName, data: some EpochDataSource, epochs: Int, folder: URL, resume: Bool = false) throws -> Trainer<ModelFactory.Model> {
        let s = try Self.settings()
        let optimizer = try s.makeOptimizer(parameters: model.parameters)
        return Trainer(model: model, optimizer: optimizer, data: data,
                       configuration: TrainerConfiguration(name: method.rawValue, epochs: epochs, batchSize: s.batchSize,
                                                           learningRate: s.learningRate, schedule: try! StepDecay(stepSize: 10, gamma: 0.1), seed: 11,
                                                           checkpointURL: folder.appendingPathComponent("checkpoint.safetensors"), resume: resume),
                       fingerprint: s.fingerprint(for: method), progress: ProgressDisplay(style: .silent))
    }

    @Test("every objective trains on decoded images with finite losses; the settings reach the model", arguments: MethodName.paper)
    func objectives(method: MethodName) throws {
        let s = try Self.settings(["--temperature", "0.5", "--lambda", "0.25"])
        let model = ModelFactory.make(method: method, settings: s, classCount: 7)
        #expect(model.objective == method.objective)
        #expect(model.head.trainingSampleCount == 8 && model.head.temperature == 0.5 && model.cldWeight == 0.25)
        let result = try trainer(model, method: method, data: try Self.data(), epochs: 1, folder: try temporaryFolder("objective")).run()
        #expect(result.history.count == 1 && result.history[0].trainLoss.isFinite)
        #expect(result.confusion.total == 21)
    }

    @Test("LRN (HUM + CLD, BatchNorm buffers, Monte-Carlo draws) resumes bit for bit after a kill")
    func resumeLRN() throws {
        let data = try Self.data()
        let s = try Self.settings()
        let straight = ModelFactory.make(method: .humCLD, settings: s, classCount: 7)
        _ = try trainer(straight, method: .humCLD, data: data, epochs: 2, folder: try temporaryFolder("lrn-straight")).run()

        let folder = try temporaryFolder("lrn-killed")
        let killed = try trainer(ModelFactory.make(method: .humCLD, settings: s, classCount: 7), method: .humCLD, data: data, epochs: 2, folder: folder)
        killed.onEpochEnd = { if $0.epoch == 1 { throw SimulatedKill() } }
        #expect(throws: SimulatedKill.self) { try killed.run() }
        let resumed = ModelFactory.make(method: .humCLD, settings: try Self.settings(["--seed", "5"]), classCount: 7)
        _ = try trainer(resumed, method: .humCLD, data: data, epochs: 2, folder: folder, resume: true).run()
        let a = straight.stateDict, b = resumed.stateDict
        #expect(a.keys.sorted() == b.keys.sorted())
        for name in a.keys.sorted() {
            let identical = a[name]!.scalars.map(\.bitPattern) == b[name]!.scalars.map(\.bitPattern)
            #expect(identical, "\(name) differs from the uninterrupted run")
        }
    }

    @Test("a --resume checkpoint of another objective is refused, naming the method and the model")
    func otherObjective() throws {
        let data = try Self.data()
        let folder = try temporaryFolder("lrn-other")
        let s = try Self.settings()
        _ = try trainer(ModelFactory.make(method: .ce, settings: s, classCount: 7), method: .ce, data: data, epochs: 1, folder: folder).run()
        let lrn = try trainer(ModelFactory.make(method: .humCLD, settings: s, classCount: 7), method: .humCLD, data: data, epochs: 1, folder: folder, resume: true)
        let error = #expect(throws: TrainingError.self) { try lrn.run() }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("method: checkpoint ce, this run hum+cld"))
        #expect(message.contains("objective CE"))
    }
}
