import Autodiff
import FERData
import Foundation
import LRN
@testable import Inference
import XCTest

/// Bad inputs are reported one by one, named, and the good ones still predicted.
final class BadInputTests: XCTestCase {
    var folder: URL!
    override func setUpWithError() throws { folder = try temporaryFolder(self) }

    func predictor() throws -> Predictor {
        try Predictor(LoadedModel(model: tinyModel(), metadata: tinyMetadata(), path: "memory"), sampleCount: 10)
    }

    /// A PNG whose header claims 100000 x 100000 pixels (30 GB decoded) and holds nothing else.
    func hugeHeaderPNG() -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        for value in [UInt32(100_000), UInt32(100_000)] { bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
        return bytes + [8, 2, 0, 0, 0, 0, 0, 0, 0]
    }

    func testEachBadFileIsReportedAndTheGoodOnesPredicted() throws {
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
        XCTAssertEqual(inputs.count, 4)  // the folder's four image files
        XCTAssertEqual(inputFailures.map(\.path), [empty.path, missing])
        XCTAssertEqual(inputFailures[0].message, "the folder holds no images (.jpg, .jpeg or .png)")
        XCTAssertEqual(inputFailures[1].message, "no such file or folder")

        let results = try PredictionRun.run(try predictor(), inputs: inputs, batchSize: 2, seed: 0)
        XCTAssertEqual(results.predictions.map(\.path), [good.path])
        XCTAssertEqual(results.predictions[0].trueLabel, 1)  // its folder is named "joy"
        let messages = Dictionary(uniqueKeysWithValues: results.failures.map { ($0.path, $0.message) })
        XCTAssertEqual(messages.count, 3)
        XCTAssertTrue(messages[corrupt.path]!.contains("not a JPEG or PNG file"), messages[corrupt.path]!)
        XCTAssertTrue(messages[truncatedPNG.path]!.contains("corrupt or truncated image"), messages[truncatedPNG.path]!)
        XCTAssertTrue(messages[huge.path]!.contains("declares a 100000x100000 image"), messages[huge.path]!)
        for (path, message) in messages { XCTAssertTrue(message.contains(path), message) }
    }

    func testDeclaredSizeOfJPEGAndPNG() throws {
        let image = gradient(width: 13, height: 7, seed: 3)
        XCTAssertEqual(ImageLoading.declaredSize(try ImageCodec.encodeJPEG(image)).map { [$0.0, $0.1] }, [13, 7])
        XCTAssertEqual(ImageLoading.declaredSize(try ImageCodec.encodePNG(image)).map { [$0.0, $0.1] }, [13, 7])
        XCTAssertNil(ImageLoading.declaredSize(Array("GIF89a".utf8)))
    }

    func testAFolderGivenAsAFileAndAMissingImageFile() throws {
        XCTAssertThrowsError(try ImageLoading.load(path: folder.path)) { XCTAssertTrue("\($0)".contains("not a regular file"), "\($0)") }
        let missing = folder.appendingPathComponent("gone.jpg").path
        XCTAssertThrowsError(try ImageLoading.load(path: missing)) { XCTAssertEqual("\($0)", "\(missing): no such file") }
    }

    func testReportFilesListFailuresAndNeverHideNaN() throws {
        var p = ImagePrediction(path: "x/joy/1.png", trueLabel: 1, predicted: 0, probabilities: [.nan, 0.5, 0.5], entropy: .nan, covariance: nil)
        p.covariance = CovarianceSummary(covariance: [1, 0, 0, 0, 1, 0, 0, 0, 1], classCount: 3, winning: 0,
                                         meanLogitProbabilities: [1.0 / 3, 1.0 / 3, 1.0 / 3], predictiveEntropy: .nan)
        let report = PredictionReport(results: PredictionResults(predictions: [p], failures: [InputFailure(path: "bad.jpg", message: "bad.jpg: corrupt")], seconds: 1),
                                      metadata: tinyMetadata(), modelPath: "m", mode: .mc, sampleCount: 10, seed: 0)
        let csvLines = report.csv().split(separator: "\n").map(String.init)
        XCTAssertEqual(csvLines.count, 3)
        XCTAssertTrue(csvLines[1].hasPrefix("x/joy/1.png,joy,anger,nan,nan,nan,0.5,0.5,"), csvLines[1])
        XCTAssertTrue(csvLines[2].hasPrefix("bad.jpg,,") && csvLines[2].hasSuffix(",bad.jpg: corrupt"), csvLines[2])
        let json = try report.json()
        XCTAssertTrue(json.contains("\"nan\""), json)
        XCTAssertTrue(json.contains("\"message\" : \"bad.jpg: corrupt\""), json)
        XCTAssertTrue(report.table().contains("1 input(s) failed:\n  bad.jpg: corrupt"), report.table())
    }
}
