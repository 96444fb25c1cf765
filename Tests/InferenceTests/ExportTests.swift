import Autodiff
import FERData
import Foundation
import Layers
import LRN
@testable import Inference
import Testing

@Suite final class ExportTests {
    let temporary = TemporaryFolder()

    @Test func swiftFileSwiftRoundTripIsExact() throws {
        let folder = temporary.url
        let url = folder.appendingPathComponent("model.safetensors")
        let model = tinyModel()
        let metadata = tinyMetadata()
        try ModelFile.write(model, metadata: metadata, to: url, overwrite: false)
        let loaded = try ModelFile.load(from: url)
        #expect(loaded.metadata == metadata)
        let original = model.stateDict
        for (name, tensor) in loaded.model.stateDict {
            #expect(tensor.shape == original[name]!.shape, "\(name)")
            #expect(tensor.scalars == original[name]!.scalars, "\(name)")
        }
        #expect(loaded.model.stateDict.count == original.count)
        #expect(!(loaded.model.isTraining))
        #expect(loaded.model.head.temperature == 0.7)
        #expect(loaded.model.head.evaluationSampleCount == 20)
    }

    @Test func metadataRoundTripKeepsNotesAndOddClassNames() throws {
        var metadata = tinyMetadata(classes: ["a, b", "quote\"d", "tab\there"])
        metadata.notes = ["epochs_trained": "12"]
        metadata.covariance = .lowRank(rank: 2)
        let parsed = try ModelMetadata(dictionary: metadata.dictionary, path: "m")
        #expect(parsed == metadata)
    }

    @Test func writeRefusesToOverwriteUnlessAsked() throws {
        let url = temporary.url.appendingPathComponent("model.safetensors")
        try ModelFile.write(tinyModel(), metadata: tinyMetadata(), to: url, overwrite: false)
        do {
            let error = try #require(thrownError { try ModelFile.write(tinyModel(seed: 9), metadata: tinyMetadata(), to: url, overwrite: false) })
            #expect(error as? InferenceError == .wouldOverwrite(path: url.path))
        }
        try ModelFile.write(tinyModel(seed: 9), metadata: tinyMetadata(), to: url, overwrite: true)
        #expect(try ModelFile.load(from: url).model.head.fc1.weight.scalars == tinyModel(seed: 9).head.fc1.weight.scalars)
    }

    /// PyTorch (Tools/lrn_model.py) wrote these files and computed d and the covariance; our
    /// loader and model must give the same numbers for the same input.
    @Test func pyTorchFixturesGiveTheSameLogitsAndCovariance() throws {
        let folder = temporary.url
        let cases = [("full", LRNModelFixtures.fullFile, LRNModelFixtures.fullMeanLogits, LRNModelFixtures.fullCovariance),
                     ("lowRank", LRNModelFixtures.lowRankFile, LRNModelFixtures.lowRankMeanLogits, LRNModelFixtures.lowRankCovariance)]
        let input = Tensor<Float>(shape: LRNModelFixtures.inputShape, scalars: LRNModelFixtures.input.map { Float($0) })
        for (name, base64, meanLogits, covariance) in cases {
            let url = folder.appendingPathComponent("\(name).safetensors")
            try Data(base64Encoded: base64)!.write(to: url)
            let loaded = try ModelFile.load(from: url)
            let output = Graph.withoutRecording { loaded.model.head(loaded.model.backbone.features(input)) }
            expectClose(output.meanLogits.scalars.map(Double.init), meanLogits, tolerance: 1e-4, "\(name): mean logits")
            expectClose(output.covariance.scalars.map(Double.init), covariance, tolerance: 1e-4, "\(name): covariance")
        }
        let lowRank = try ModelFile.load(from: folder.appendingPathComponent("lowRank.safetensors"))
        #expect(lowRank.metadata.covariance == .lowRank(rank: 1))
        #expect(lowRank.metadata.objective == .hum)
    }

    let runSettings = ["classes": "anger,joy,calm", "method": "hum+cld", "image_size": "8", "temperature": "0.7",
                       "mc_samples": "20", "backbone": "resnet", "dataset": "ImageFolder"]

    @Test func exportFromACheckpointGivesTheModelAndItsSettings() throws {
        let runs = temporary.url
        let run = runs.appendingPathComponent("hum-cld")
        let model = tinyModel()
        try writeRunCheckpoint(model, to: run, settings: runSettings)
        let (url, metadata) = try RunExport.export(run: run, overwrite: false)
        #expect(url.lastPathComponent == "model.safetensors")
        #expect(metadata.classNames == ["anger", "joy", "calm"])
        #expect(metadata.objective == .humWithCLD)
        #expect(metadata.backbone.widths == [4, 8])
        #expect(metadata.covariance == .full)
        #expect(metadata.notes["epochs_trained"] == "3")
        let loaded = try ModelFile.load(from: url)
        for (name, tensor) in model.stateDict { #expect(loaded.model.stateDict[name]!.scalars == tensor.scalars, "\(name)") }
        // A second export keeps the first file; --overwrite replaces it.
        do {
            let error = try #require(thrownError { try RunExport.export(run: run, overwrite: false) })
            #expect(error as? InferenceError == .wouldOverwrite(path: url.path))
        }
        #expect(throws: Never.self) { try RunExport.export(run: run, overwrite: true) }
        // The data set's folder names its runs.
        do {
            let error = try #require(thrownError { try RunExport.export(run: runs, overwrite: false) })
            #expect("\(error)".contains(run.path), "\(error)")
        }
    }

    @Test func exportRefusesAModelThatIsNotLRNOrDiverged() throws {
        let folder = temporary.url
        let other = folder.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try SafeTensorsWriter.write(["model.weight": Tensor<Float>(shape: [2], scalars: [1, 2])],
                                    metadata: ["format": "lrn-training-checkpoint-1", "fingerprint": "{\"entries\":{}}"],
                                    to: other.appendingPathComponent("checkpoint.safetensors"))
        do {
            let error = try #require(thrownError { try RunExport.export(run: other, overwrite: false) })
            #expect(error as? InferenceError == .notAnLRNRun(path: other.appendingPathComponent("checkpoint.safetensors").path))
        }

        let diverged = folder.appendingPathComponent("diverged")
        let model = tinyModel()
        model.head.fc2.bias!.data[1] = .nan
        try writeRunCheckpoint(model, to: diverged, settings: runSettings)
        do {
            let error = try #require(thrownError { try RunExport.export(run: diverged, overwrite: false) })
            #expect("\(error)".contains("'head.fc2.bias' holds nan at element 1"), "\(error)")
        }
        #expect(!(FileManager.default.fileExists(atPath: diverged.appendingPathComponent("model.safetensors").path)))
    }
}
