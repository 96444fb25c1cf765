import Autodiff
import FERData
import Foundation
import LRN
@testable import Inference
import Testing

/// Bad inputs are reported one by one, named, and the good ones still predicted.
@Suite final class BadInputTests {
    let temporary = TemporaryFolder()
    var folder: URL { temporary.url }

    func predictor() throws -> Predictor {
        try Predictor(LoadedModel(model: tinyModel(), metadata: tinyMetadata(), path: "memory"), sampleCount: 10)
    }

    /// A PNG whose header claims 100000 x 100000 pixels (30 GB decoded) and holds nothing else.
    func hugeHeaderPNG() -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        for value in [UInt32(100_000), UInt32(100_000)] { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
        return bytes + [8, 2, 0, 0, 0, 0, 0, 0, 0]
    }

    @Test func eachBadFileIsReportedAndTheGoodOnesPredicted() throws {
        let good = folder.appendingPathComponent("joy/good.png")
        try writeImage(gradient(width: 9, height: 9, seed: 1), to: good)
        let corrupt = folder.appendingPathComponent("joy/corrupt.jpg")
        try Data("not an image at all".utf8).write(to: corrupt)
        let truncatedPNG = folder.appendingPathComponent("calm/truncated.png")
        try writeImage(gradient(width: 20, height: 20, seed: 2), to: truncatedPNG)
        let pngBytes = try Data(contentsOf: truncatedPNG)
        try pngBytes.prefix(pngBytes.count / 2).write(to: truncatedPNG)
        let huge = folder.appendingPathComponent("calm/huge.png")
        try Data(hugeHeaderPNG()).write(to: huge)
        let empty = folder.appendingPathComponent("empty-folder")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: empty.appendingPathComponent("readme.txt"))
        let missing = folder.appendingPathComponent("missing.png").path

        let (inputs, inputFailures) = ImageInputs.collect([folder.path, empty.path, missing], classNames: ["anger", "joy", "calm"])
        #expect(inputs.count == 4)  // the folder's four image files
        #expect(inputFailures.map(\.path) == [empty.path, missing])
        #expect(inputFailures[0].message == "the folder holds no images (.jpg, .jpeg or .png)")
        #expect(inputFailures[1].message == "no such file or folder")

        let results = try PredictionRun.run(try predictor(), inputs: inputs, batchSize: 2, seed: 0)
        #expect(results.predictions.map(\.path) == [good.path])
        #expect(results.predictions[0].trueLabel == 1)  // its folder is named "joy"
        let messages = Dictionary(uniqueKeysWithValues: results.failures.map { ($0.path, $0.message) })
        #expect(messages.count == 3)
        #expect(messages[corrupt.path]!.contains("not a JPEG or PNG file"), "\(messages[corrupt.path]!)")
        #expect(messages[truncatedPNG.path]!.contains("corrupt or truncated image"), "\(messages[truncatedPNG.path]!)")
        #expect(messages[huge.path]!.contains("declares a 100000x100000 image"), "\(messages[huge.path]!)")
        for (path, message) in messages { #expect(message.contains(path), "\(message)") }
    }

    @Test func declaredSizeOfJPEGAndPNG() throws {
        let image = gradient(width: 13, height: 7, seed: 3)
        #expect(ImageLoading.declaredSize(try ImageCodec.encodeJPEG(image)).map { [$0.0, $0.1] } == [13, 7])
        #expect(ImageLoading.declaredSize(try ImageCodec.encodePNG(image)).map { [$0.0, $0.1] } == [13, 7])
        #expect(ImageLoading.declaredSize(Array("GIF89a".utf8)) == nil)
    }

    @Test func aFolderGivenAsAFileAndAMissingImageFile() throws {
        do {
            let error = try #require(thrownError { _ = try ImageLoading.load(path: folder.path) })
            #expect("\(error)".contains("not a regular file"), "\(error)")
        }
        let missing = folder.appendingPathComponent("gone.jpg").path
        do {
            let error = try #require(thrownError { _ = try ImageLoading.load(path: missing) })
            #expect("\(error)" == "\(missing): no such file")
        }
    }

    @Test func reportFilesListFailuresAndNeverHideNaN() throws {
        var p = ImagePrediction(path: "x/joy/1.png", trueLabel: 1, predicted: 0, probabilities: [.nan, 0.5, 0.5], entropy: .nan, covariance: nil)
        p.covariance = CovarianceSummary(covariance: [1, 0, 0, 0, 1, 0, 0, 0, 1], classCount: 3, winning: 0,
                                         meanLogitProbabilities: [1.0 / 3, 1.0 / 3, 1.0 / 3], predictiveEntropy: .nan)
        let report = PredictionReport(results: PredictionResults(predictions: [p], failures: [InputFailure(path: "bad.jpg", message: "bad.jpg: corrupt")], seconds: 1),
                                      context: PredictionContext(metadata: tinyMetadata(), modelPath: "m", mode: .mc, sampleCount: 10, seed: 0))
        let csvLines = report.csv().split(separator: "\n").map(String.init)
        #expect(csvLines.count == 3)
        #expect(csvLines[1].hasPrefix("x/joy/1.png,joy,anger,nan,nan,nan,0.5,0.5,"), "\(csvLines[1])")
        #expect(csvLines[2].hasPrefix("bad.jpg,,") && csvLines[2].hasSuffix(",bad.jpg: corrupt"), "\(csvLines[2])")
        let json = try report.json()
        #expect(json.contains("\"nan\""), "\(json)")
        #expect(json.contains("\"true_label\" : 1") && json.contains("\"winning_logit_variance\" : 1"), "\(json)")
        #expect(json.contains("\"message\" : \"bad.jpg: corrupt\""), "\(json)")
        #expect(report.table().contains("1 input(s) failed:\n  bad.jpg: corrupt"), "\(report.table())")
    }
}
