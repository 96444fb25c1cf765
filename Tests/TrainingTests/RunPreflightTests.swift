import Autodiff
import FERData
import Foundation
import Layers
import Testing
@testable import Training
@testable import Experiments

/// What a run checks before it loads data or trains: flags naming files and folders, earlier
/// runs in --output, the data set's classes.
@Suite("Run preflight")
struct RunPreflightTests {
    func settings(_ arguments: [String], dataset: DatasetKind = .rafDB) throws -> ExperimentSettings {
        try ExperimentSettings.resolve(try ExperimentOptions.parse(arguments), dataset: dataset)
    }

    func failure(_ body: () throws -> Void) -> String {
        do { try body(); return "(no error)" } catch { return "\(error)" }
    }

    func quickRun(_ root: String, _ output: String, _ extra: [String] = []) throws -> [MethodName: RunResult] {
        try ExperimentRunner.run(try settings(["--data", root, "--method", "ce", "--epochs", "1", "--image-size", "16",
                                               "--batch-size", "16", "--output", output] + extra),
                                 progress: ProgressDisplay(style: .silent), build: RunnerTests.pixels)
    }

    @Test("a second run into the same --output is refused before loading data; --overwrite and --resume are the ways on")
    func existingRunRefused() throws {
        let root = try RunnerTests.fixtureRoot()
        let output = try temporaryFolder("preflight-existing").path
        _ = try quickRun(root, output, ["--epochs", "2"])
        let checkpoint = output + "/ce/checkpoint.safetensors"
        let before = try Data(contentsOf: URL(fileURLWithPath: checkpoint))
        let message = failure { _ = try quickRun(root, output) }
        #expect(message == "--output \(output) already holds a run (comparison.csv). Continue it with --resume, replace it with --overwrite, or choose another --output.")
        #expect(try Data(contentsOf: URL(fileURLWithPath: checkpoint)) == before)

        // Only a checkpoint left (a run killed before its comparison): still refused, naming it.
        try FileManager.default.removeItem(atPath: output + "/comparison.csv")
        try FileManager.default.removeItem(atPath: output + "/ce/ce-results.json")
        #expect(failure { _ = try quickRun(root, output) }.contains("already holds a run (ce/checkpoint.safetensors)"))
        // --resume with fewer epochs than the checkpoint holds: refused before the data is read.
        #expect(failure { _ = try quickRun("/nonexistent", output, ["--resume"]) }.contains("--epochs 1 is fewer than the 2 epochs checkpoint"))

        _ = try quickRun(root, output, ["--overwrite"])
        #expect(try TrainingCheckpoint.read(from: URL(fileURLWithPath: checkpoint)).completedEpochs == 1)
        #expect(failure { _ = try ExperimentOptions.parse(["--resume", "--overwrite"]) } != "(no error)")
    }

    @Test("--resume of two methods, the second's checkpoint from other settings: refused before the first trains")
    func secondCheckpointCheckedFirst() throws {
        let root = try RunnerTests.fixtureRoot()
        let output = try temporaryFolder("preflight-second").path
        _ = try quickRun(root, output, ["--method", "ce,hum+cld"])
        let url = URL(fileURLWithPath: output + "/hum-cld/checkpoint.safetensors")
        var other = try TrainingCheckpoint.read(from: url)
        other.fingerprint.entries["lambda"] = "0.5"
        try other.write(to: url)
        let message = failure { _ = try quickRun(root, output, ["--method", "ce,hum+cld", "--epochs", "2", "--resume"]) }
        #expect(message.contains("checkpoint \(url.path) was written by a different model or configuration") && message.contains("lambda: checkpoint 0.5, this run 1.0"), "\(message)")
        #expect(try TrainingCheckpoint.read(from: URL(fileURLWithPath: output + "/ce/checkpoint.safetensors")).completedEpochs == 1)
    }

    @Test("--resume into a folder without any checkpoint is an error naming the folder and the expected file")
    func resumeNothing() throws {
        let output = try temporaryFolder("preflight-nothing").path
        let message = failure { _ = try quickRun("/nonexistent", output, ["--resume"]) }
        #expect(message == "--resume: there is no checkpoint to continue in \(output) (expected ce/checkpoint.safetensors). Leave out --resume to start a new run there.")
    }

    @Test("--output at a file or below one names the flag and the file")
    func outputIsAFile() throws {
        let folder = try temporaryFolder("preflight-file")
        let file = folder.appendingPathComponent("notes.txt")
        try Data("x".utf8).write(to: file)
        #expect(failure { _ = try quickRun("/nonexistent", file.path) }
                == "--output \(file.path): it is a file; expected a folder (existing, or one that can be created) for checkpoints and results")
        #expect(failure { _ = try quickRun("/nonexistent", file.path + "/runs/a") }
                == "--output \(file.path)/runs/a: \(file.path) is a file; expected a folder (existing, or one that can be created) for checkpoints and results")
    }

    @Test("--pretrained at a folder, a missing file, or weights holding NaN: each named with the flag")
    func pretrainedChecked() throws {
        let folder = try temporaryFolder("preflight-pretrained")
        let output = folder.appendingPathComponent("out").path
        #expect(failure { _ = try quickRun("/nonexistent", output, ["--pretrained", folder.path]) }
                == "--pretrained \(folder.path) is a folder; expected a safetensors file of backbone weights (e.g. resnet18_msceleb.safetensors)")
        #expect(failure { _ = try quickRun("/nonexistent", output, ["--pretrained", folder.path + "/missing.safetensors"]) }
                .hasPrefix("--pretrained \(folder.path)/missing.safetensors: no such file"))

        let s = try settings(["--data", "/d", "--backbone", "small", "--method", "ce"])
        let donor = ModelFactory.make(method: .ce, settings: s, classCount: 7)
        donor.backbone.conv1.weight.fill(.nan)
        let weights = folder.appendingPathComponent("diverged.safetensors")
        try donor.backbone.save(to: weights)
        let model = ModelFactory.make(method: .ce, settings: s, classCount: 7)
        #expect(failure { _ = try ModelFactory.loadPretrainedBackbone(model, from: weights) }
                == "--pretrained \(weights.path): conv1.weight holds \(donor.backbone.conv1.weight.count) NaN values; refusing to load it (the run that wrote it diverged, or the file is damaged).")
    }

    @Test("a single-class data set is refused with its path before any model is built (no trap in HUM's head)")
    func singleClass() throws {
        let root = try temporaryFolder("one-class")
        for split in ["train", "test"] {
            let folder = root.appendingPathComponent("\(split)/happy")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<3 {
                try ImageCodec.save(RGBImage(width: 16, height: 16, red: UInt8(40 * i), green: 90, blue: 10), path: folder.appendingPathComponent("\(i).png").path)
            }
        }
        let output = root.appendingPathComponent("out").path
        let s = try settings(["--data", root.path, "--method", "ce", "--epochs", "1", "--backbone", "small", "--image-size", "16",
                              "--output", output], dataset: .imageFolder)
        let message = failure { _ = try ExperimentRunner.run(s, progress: ProgressDisplay(style: .silent), build: ModelFactory.build) }
        #expect(message.contains(root.path) && message.contains("at least 2"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: output + "/ce"))
    }

    @Test("a bad image among good ones stops the run before any model is built")
    func badImageHeaderRefusedBeforeTraining() throws {
        let root = try temporaryFolder("preflight-bad-image")
        for split in ["train", "test"] {
            for label in ["happy", "sad"] {
                let folder = root.appendingPathComponent("\(split)/\(label)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for i in 0..<3 {
                    try ImageCodec.save(RGBImage(width: 16, height: 16, red: UInt8(40 * i), green: 90, blue: 10), path: folder.appendingPathComponent("\(i).png").path)
                }
            }
        }
        let truncated = root.appendingPathComponent("test/sad/broken.jpg").path
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]).write(to: URL(fileURLWithPath: truncated))
        let output = root.appendingPathComponent("out").path
        let s = try settings(["--data", root.path, "--method", "ce", "--epochs", "1", "--backbone", "small", "--image-size", "16",
                              "--output", output], dataset: .imageFolder)
        let message = failure { _ = try ExperimentRunner.run(s, progress: ProgressDisplay(style: .silent), build: ModelFactory.build) }
        #expect(message.contains(truncated) && message.contains("no JPEG frame header"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: output + "/ce"))
    }
}
