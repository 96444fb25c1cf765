import Autodiff
import FERData
import Foundation
import Layers
import LRN
@testable import Inference
import XCTest

final class ExportTests: XCTestCase {
    func testSwiftFileSwiftRoundTripIsExact() throws {
        let folder = try temporaryFolder(self)
        let url = folder.appendingPathComponent("model.safetensors")
        let model = tinyModel()
        let metadata = tinyMetadata()
        try ModelFile.write(model, metadata: metadata, to: url, overwrite: false)
        let loaded = try ModelFile.load(from: url)
        XCTAssertEqual(loaded.metadata, metadata)
        let original = model.stateDict
        for (name, tensor) in loaded.model.stateDict {
            XCTAssertEqual(tensor.shape, original[name]!.shape, name)
            XCTAssertEqual(tensor.scalars, original[name]!.scalars, name)
        }
        XCTAssertEqual(loaded.model.stateDict.count, original.count)
        XCTAssertFalse(loaded.model.isTraining)
        XCTAssertEqual(loaded.model.head.temperature, 0.7)
        XCTAssertEqual(loaded.model.head.evaluationSampleCount, 20)
    }

    func testMetadataRoundTripKeepsNotesAndOddClassNames() throws {
        var metadata = tinyMetadata(classes: ["a, b", "quote\"d", "tab\there"])
        metadata.notes = ["epochs_trained": "12"]
        metadata.covariance = .lowRank(rank: 2)
        let parsed = try ModelMetadata(dictionary: metadata.dictionary, path: "m")
        XCTAssertEqual(parsed, metadata)
    }

    func testWriteRefusesToOverwriteUnlessAsked() throws {
        let url = try temporaryFolder(self).appendingPathComponent("model.safetensors")
        try ModelFile.write(tinyModel(), metadata: tinyMetadata(), to: url, overwrite: false)
        XCTAssertThrowsError(try ModelFile.write(tinyModel(seed: 9), metadata: tinyMetadata(), to: url, overwrite: false)) { error in
            XCTAssertEqual(error as? InferenceError, .wouldOverwrite(path: url.path))
        }
        try ModelFile.write(tinyModel(seed: 9), metadata: tinyMetadata(), to: url, overwrite: true)
        XCTAssertEqual(try ModelFile.load(from: url).model.head.fc1.weight.scalars, tinyModel(seed: 9).head.fc1.weight.scalars)
    }

    /// PyTorch (Tools/lrn_model.py) wrote these files and computed d and the covariance; our
    /// loader and model must give the same numbers for the same input.
    func testPyTorchFixturesGiveTheSameLogitsAndCovariance() throws {
        let folder = try temporaryFolder(self)
        let cases = [("full", LRNModelFixtures.fullFile, LRNModelFixtures.fullMeanLogits, LRNModelFixtures.fullCovariance),
                     ("lowRank", LRNModelFixtures.lowRankFile, LRNModelFixtures.lowRankMeanLogits, LRNModelFixtures.lowRankCovariance)]
        let input = Tensor<Float>(shape: LRNModelFixtures.inputShape, scalars: LRNModelFixtures.input.map { Float($0) })
        for (name, base64, meanLogits, covariance) in cases {
            let url = folder.appendingPathComponent("\(name).safetensors")
            try Data(base64Encoded: base64)!.write(to: url)
            let loaded = try ModelFile.load(from: url)
            let output = Graph.withoutRecording { loaded.model.head(loaded.model.backbone.features(input)) }
            assertClose(output.meanLogits.scalars.map(Double.init), meanLogits, tolerance: 1e-4, "\(name): mean logits")
            assertClose(output.covariance.scalars.map(Double.init), covariance, tolerance: 1e-4, "\(name): covariance")
        }
        let lowRank = try ModelFile.load(from: folder.appendingPathComponent("lowRank.safetensors"))
        XCTAssertEqual(lowRank.metadata.covariance, .lowRank(rank: 1))
        XCTAssertEqual(lowRank.metadata.objective, .hum)
    }

    let runSettings = ["classes": "anger,joy,calm", "method": "hum+cld", "image_size": "8", "temperature": "0.7",
                       "mc_samples": "20", "backbone": "resnet", "dataset": "ImageFolder"]

    func testExportFromACheckpointGivesTheModelAndItsSettings() throws {
        let runs = try temporaryFolder(self)
        let run = runs.appendingPathComponent("hum-cld")
        let model = tinyModel()
        try writeRunCheckpoint(model, to: run, settings: runSettings)
        let (url, metadata) = try RunExport.export(run: run, overwrite: false)
        XCTAssertEqual(url.lastPathComponent, "model.safetensors")
        XCTAssertEqual(metadata.classNames, ["anger", "joy", "calm"])
        XCTAssertEqual(metadata.objective, .humWithCLD)
        XCTAssertEqual(metadata.backbone.widths, [4, 8])
        XCTAssertEqual(metadata.covariance, .full)
        XCTAssertEqual(metadata.notes["epochs_trained"], "3")
        let loaded = try ModelFile.load(from: url)
        for (name, tensor) in model.stateDict { XCTAssertEqual(loaded.model.stateDict[name]!.scalars, tensor.scalars, name) }
        // A second export keeps the first file; --overwrite replaces it.
        XCTAssertThrowsError(try RunExport.export(run: run, overwrite: false)) { XCTAssertEqual($0 as? InferenceError, .wouldOverwrite(path: url.path)) }
        XCTAssertNoThrow(try RunExport.export(run: run, overwrite: true))
        // The data set's folder names its runs.
        XCTAssertThrowsError(try RunExport.export(run: runs, overwrite: false)) { error in
            XCTAssertTrue("\(error)".contains(run.path), "\(error)")
        }
    }

    func testExportRefusesAModelThatIsNotLRNOrDiverged() throws {
        let folder = try temporaryFolder(self)
        let other = folder.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try SafeTensorsWriter.write(["model.weight": Tensor<Float>(shape: [2], scalars: [1, 2])],
                                    metadata: ["format": "lrn-training-checkpoint-1", "fingerprint": "{\"entries\":{}}"],
                                    to: other.appendingPathComponent("checkpoint.safetensors"))
        XCTAssertThrowsError(try RunExport.export(run: other, overwrite: false)) { XCTAssertEqual($0 as? InferenceError, .notAnLRNRun(path: other.appendingPathComponent("checkpoint.safetensors").path)) }

        let diverged = folder.appendingPathComponent("diverged")
        let model = tinyModel()
        model.head.fc2.bias!.data[1] = .nan
        try writeRunCheckpoint(model, to: diverged, settings: runSettings)
        XCTAssertThrowsError(try RunExport.export(run: diverged, overwrite: false)) { error in
            XCTAssertTrue("\(error)".contains("'head.fc2.bias' holds nan at element 1"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: diverged.appendingPathComponent("model.safetensors").path))
    }
}
