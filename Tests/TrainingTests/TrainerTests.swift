import Autodiff
import Foundation
import Testing
@testable import Training
@testable import Experiments

struct SimulatedKill: Error {}

@Suite("Trainer")
struct TrainerTests {
    func makeTrainer(_ model: TinyModel, data: InMemoryDataSource, epochs: Int, folder: URL?, resume: Bool = false,
                     overwrite: Bool = false, lr: Double = 0.05, settings: [String: String] = ["method": "ce"]) -> Trainer<TinyModel> {
        let optimizer = try! SGD(parameters: model.parameters, learningRate: lr, momentum: 0.9, weightDecay: 1e-4)
        let configuration = TrainerConfiguration(name: "tiny", epochs: epochs, batchSize: 16,
                                                 learningRate: lr, schedule: try! StepDecay(stepSize: 3, gamma: 0.5),
                                                 seed: 7, checkpointURL: folder?.appendingPathComponent("checkpoint.safetensors"), resume: resume,
                                                 overwrite: overwrite)
        return Trainer(model: model, optimizer: optimizer, data: data, configuration: configuration,
                       fingerprint: RunFingerprint(settings), progress: ProgressDisplay(style: .silent))
    }

    @Test("an end-to-end run on fixture data: the loss falls and the test accuracy beats chance")
    func lossFalls() throws {
        let data = try blobs(seed: 1)
        let result = try makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 6, folder: nil).run()
        #expect(result.history.count == 6)
        #expect(result.history.last!.trainLoss < 0.6 * result.history.first!.trainLoss)
        #expect(result.finalTestAccuracy > 0.8)
        #expect(result.confusion.total == 30)
    }

    @Test("a run killed after epoch 2 and resumed ends with the same weights, bit for bit")
    func resumeIsBitIdentical() throws {
        let data = try blobs(seed: 1)
        let straight = TinyModel(features: 4, hidden: 8, classes: 3, seed: 2)
        let straightResult = try makeTrainer(straight, data: data, epochs: 5, folder: try temporaryFolder("straight")).run()

        let folder = try temporaryFolder("killed")
        let first = makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 5, folder: folder)
        first.onEpochEnd = { record in if record.epoch == 2 { throw SimulatedKill() } }
        #expect(throws: SimulatedKill.self) { try first.run() }

        // A fresh process: different initial weights, which the checkpoint must overwrite.
        let resumed = TinyModel(features: 4, hidden: 8, classes: 3, seed: 99)
        let resumedResult = try makeTrainer(resumed, data: data, epochs: 5, folder: folder, resume: true).run()
        for ((name, a), (_, b)) in zip(straight.namedParameters, resumed.namedParameters) {
            let identical = a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern)
            #expect(identical, "\(name) differs from the uninterrupted run")
        }
        #expect(resumedResult.history.map(\.trainLoss) == straightResult.history.map(\.trainLoss))
        #expect(resumedResult.history.count == 5)
    }

    @Test("resuming from a checkpoint of another configuration is refused, naming what differs")
    func refusesOtherConfiguration() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("other")
        _ = try makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 1, folder: folder).run()
        let other = makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 2, folder: folder,
                                resume: true, settings: ["method": "hum+cld"])
        let error = #expect(throws: TrainingError.self) { try other.run() }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("method: checkpoint ce, this run hum+cld"))
        #expect(message.contains("checkpoint.safetensors"))
    }

    @Test("resuming with a different architecture names the model and the mismatched tensors")
    func refusesOtherModel() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("othermodel")
        _ = try makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 1, folder: folder).run()
        let wider = makeTrainer(TinyModel(features: 4, hidden: 16, classes: 3, seed: 2), data: data, epochs: 2, folder: folder, resume: true)
        let error = #expect(throws: TrainingError.self) { try wider.run() }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("model: checkpoint TinyMLP(4-8-3), this run TinyMLP(4-16-3)"))
        #expect(message.contains("fc1.weight: checkpoint shape [4, 8], this model [4, 16]"))
    }

    @Test("a NaN loss stops the run with a clear message and leaves the last good checkpoint intact")
    func nanStops() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("nan")
        let model = TinyModel(features: 4, hidden: 8, classes: 3, seed: 2)
        model.poisonAfterCalls = 8  // 6 batches per epoch: fails in epoch 2
        let trainer = makeTrainer(model, data: data, epochs: 3, folder: folder)
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        let error = #expect(throws: TrainingError.self) { try trainer.run() }
        guard case .nonFiniteLoss(let epoch, let batch, _, let kept, _)? = error else {
            Issue.record("expected nonFiniteLoss, got \(String(describing: error))")
            return
        }
        #expect(epoch == 2 && batch == 3)
        #expect(kept == url.path)
        #expect("\(error!)".contains("The last good checkpoint is kept at \(url.path)"))
        let saved = try TrainingCheckpoint.read(from: url)
        #expect(saved.completedEpochs == 1)
        #expect(saved.modelState.values.allSatisfy { $0.scalars.allSatisfy(\.isFinite) })
    }

    @Test("resuming a finished run trains nothing and reports the same evaluation")
    func resumeFinished() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("finished")
        let first = try makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 2, folder: folder).run()
        let again = try makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 5), data: data, epochs: 2, folder: folder, resume: true).run()
        #expect(again.history == first.history)
        #expect(again.confusion == first.confusion)
    }

    @Test("--resume with a corrupt checkpoint stops with a message naming the file; nothing is overwritten")
    func corruptCheckpoint() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("corrupt")
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        try Data("garbage".utf8).write(to: url)
        let trainer = makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 1, folder: folder, resume: true)
        let error = #expect(throws: TrainingError.self) { try trainer.run() }
        #expect("\(error!)" == "cannot read checkpoint \(url.path): safetensors: file is 7 bytes, too small for the 8-byte header length")
        #expect(try Data(contentsOf: url) == Data("garbage".utf8))
    }
}
