import Autodiff
import FERData
import Foundation
import Layers
@testable import Inference
import Testing

/// The end of every training run: model.safetensors, test predictions and the contact sheet.
@Suite final class AfterTrainingTests {
    let temporary = TemporaryFolder()

    @Test func aRunGetsItsModelFilePredictionsAndSheet() throws {
        let run = temporary.url.appendingPathComponent("hum-cld")
        let model = tinyModel()
        try writeRunCheckpoint(model, to: run, settings: ["classes": "anger,joy,calm", "method": "hum+cld", "image_size": "8",
                                                          "temperature": "0.7", "mc_samples": "20"])
        var pixels: [UInt8] = []
        for i in 0..<(12 * 10 * 10) { pixels.append(UInt8(truncatingIfNeeded: i * 7 + i / 100 * 31)) }
        let test = GreyImageDataset(classNames: ["anger", "joy", "calm"], width: 10, height: 10, pixels: pixels,
                                    labels: (0..<12).map { $0 % 3 }, sources: (0..<12).map { "test.csv:\($0 + 2)" })
        let lines = try AfterTraining.finish(runFolder: run, test: test, imageLimit: 10)
        #expect(lines.count == 2, "\(lines)")
        let loaded = try ModelFile.load(from: run.appendingPathComponent("model.safetensors"))
        #expect(loaded.model.head.fc2.weight.scalars == model.head.fc2.weight.scalars)
        let csv = try String(contentsOf: run.appendingPathComponent("test-predictions.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 11)  // header + 10 evenly spaced test images
        #expect(csv[1].hasPrefix("test.csv:2,anger,"), "\(String(csv[1]))")
        #expect(csv[2].hasPrefix("test.csv:3,joy,"), "\(String(csv[2]))")  // index 1 of 12 at 10 images: 1·12/10 = 1
        let sheet = try ImageCodec.load(path: run.appendingPathComponent("contact-sheet.png").path)
        #expect(sheet.width > 96)
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("contact-sheet.svg").path))
        // A resumed or extended run replaces its own files.
        #expect(throws: Never.self) { try AfterTraining.finish(runFolder: run, test: test, imageLimit: 4) }
        #expect(try String(contentsOf: run.appendingPathComponent("test-predictions.csv"), encoding: .utf8).split(separator: "\n").count == 5)
    }

    @Test func aRunOfAnotherModelGetsANoteAndNoFiles() throws {
        let run = temporary.url
        try SafeTensorsWriter.write(["model.weight": Tensor<Float>(shape: [2], scalars: [1, 2])],
                                    metadata: ["format": "lrn-training-checkpoint-1", "fingerprint": "{\"entries\":{}}"],
                                    to: run.appendingPathComponent("checkpoint.safetensors"))
        let test = GreyImageDataset(classNames: ["a", "b"], width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 4), labels: [0], sources: ["x"])
        let lines = try AfterTraining.finish(runFolder: run, test: test)
        #expect(lines == ["No model.safetensors for \(run.path): its model is not an LRN model on a ResNet."])
        #expect(!(FileManager.default.fileExists(atPath: run.appendingPathComponent("model.safetensors").path)))
    }
}
