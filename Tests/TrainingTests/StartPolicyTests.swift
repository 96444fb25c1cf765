import Autodiff
import Foundation
import Layers
import Testing
@testable import Training
@testable import Experiments

/// What a run does with the checkpoint already in its folder: refuse, resume, or overwrite;
/// and which checkpoint a NaN message may call "last good".
@Suite("Existing checkpoints")
struct StartPolicyTests {
    let trainers = TrainerTests()

    @Test("a run without --resume or --overwrite refuses a folder holding a checkpoint and leaves it untouched")
    func refusesExistingCheckpoint() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("existing")
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        _ = try trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 3, folder: folder).run()
        let before = try Data(contentsOf: url)

        let again = trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 1, folder: folder)
        let error = #expect(throws: TrainingError.self) { try again.run() }
        #expect(error == .existingRun(folder: folder.path, file: "checkpoint.safetensors"))
        #expect("\(error!)".contains("--resume") && "\(error!)".contains("--overwrite") && "\(error!)".contains(folder.path))
        #expect(try Data(contentsOf: url) == before)
        #expect(try TrainingCheckpoint.read(from: url).completedEpochs == 3)

        // --overwrite starts afresh and replaces it.
        _ = try trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 1, folder: folder,
                                     overwrite: true).run()
        #expect(try TrainingCheckpoint.read(from: url).completedEpochs == 1)
    }

    @Test("--resume without a checkpoint is an error naming the folder")
    func resumeWithoutCheckpoint() throws {
        let folder = try temporaryFolder("nothing")
        let trainer = trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: try blobs(seed: 1), epochs: 1,
                                           folder: folder, resume: true)
        let error = #expect(throws: TrainingError.self) { try trainer.run() }
        #expect(error == .nothingToResume(folder: folder.path, expected: "checkpoint.safetensors"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("checkpoint.safetensors").path))
    }

    @Test("--resume with fewer --epochs than the checkpoint holds is an error naming both numbers")
    func resumeBeyondEpochs() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("beyond")
        _ = try trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 4, folder: folder).run()
        let shorter = trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 2, folder: folder, resume: true)
        let error = #expect(throws: TrainingError.self) { try shorter.run() }
        let url = folder.appendingPathComponent("checkpoint.safetensors").path
        #expect(error == .checkpointBeyondEpochs(path: url, completed: 4, requested: 2))
        #expect("\(error!)".contains("--epochs 2 is fewer than the 4 epochs"))
    }

    @Test("a NaN in the first epoch of an --overwrite run does not offer the earlier run's checkpoint as its own")
    func nanDoesNotNameAnotherRunsCheckpoint() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("stale")
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        _ = try trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 2, folder: folder).run()

        let model = TinyModel(features: 4, hidden: 8, classes: 3, seed: 2)
        model.poisonAfterCalls = 2  // fails in epoch 1
        let trainer = trainers.makeTrainer(model, data: data, epochs: 3, folder: folder, overwrite: true, settings: ["method": "other"])
        let error = #expect(throws: TrainingError.self) { try trainer.run() }
        guard case .nonFiniteLoss(let epoch, _, _, let kept, let unrelated)? = error else {
            Issue.record("expected nonFiniteLoss, got \(String(describing: error))")
            return
        }
        #expect(epoch == 1 && kept == nil && unrelated == url.path)
        #expect(!"\(error!)".contains("last good checkpoint"))
        #expect("\(error!)".contains("wrote no checkpoint yet, so none exists"))
    }

    @Test("a NaN after resuming names the resumed checkpoint as the last good one")
    func nanAfterResumeNamesResumedCheckpoint() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("resumed-nan")
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        _ = try trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 1, folder: folder).run()
        let model = TinyModel(features: 4, hidden: 8, classes: 3, seed: 2)
        model.poisonAfterCalls = 1
        let error = #expect(throws: TrainingError.self) {
            try trainers.makeTrainer(model, data: data, epochs: 3, folder: folder, resume: true).run()
        }
        #expect("\(error!)".contains("The last good checkpoint is kept at \(url.path)"))
    }

    @Test("--resume refuses a checkpoint whose weights hold NaN, naming the file and the tensor")
    func refusesNaNCheckpoint() throws {
        let data = try blobs(seed: 1)
        let folder = try temporaryFolder("nan-checkpoint")
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        _ = try trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 1, folder: folder).run()
        var saved = try TrainingCheckpoint.read(from: url)
        saved.modelState["fc1.weight"] = Tensor(repeating: .nan, shape: [4, 8])
        try saved.write(to: url)

        let trainer = trainers.makeTrainer(TinyModel(features: 4, hidden: 8, classes: 3, seed: 2), data: data, epochs: 2, folder: folder, resume: true)
        let error = #expect(throws: TrainingError.self) { try trainer.run() }
        #expect("\(error!)" == "checkpoint \(url.path): model.fc1.weight holds 32 NaN values; refusing to load it (the run that wrote it diverged, or the file is damaged).")
    }
}
