import FERData
import ExecutableTestSupport
import Foundation
@testable import Inference
import Testing

/// Runs the built Example-Predict --detect-faces (built with the tests by `swift build --build-tests`).
@Suite final class ExamplePredictFacesTests {
    let folder = TemporaryFolder()

    func run(_ arguments: [String]) throws -> ExampleRun { try runExample("Example-Predict", arguments) }

    @Test func writesOneRowPerFaceAndAnAnnotatedPhotoAndNeverOverwrites() throws {
        let modelURL = folder.url.appendingPathComponent("model.safetensors")
        try ModelFile.write(tinyModel(), metadata: tinyMetadata(), to: modelURL, overwrite: false)
        let blank = folder.url.appendingPathComponent("photos/blank.png")
        try FacePhotos.writeBlank(to: blank)
        let output = folder.url.appendingPathComponent("out")
        let arguments = ["--model", modelURL.path, "--detect-faces", FacePhotos.path("astronaut.png"), FacePhotos.path("group-640x480.png"),
                         blank.path, "--output", output.path]
        let first = try run(arguments)
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("blank.png: no face found") && first.output.contains("4 face(s) in 3 photo(s)"))
        let csv = try String(contentsOf: output.appendingPathComponent("predictions.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.filter { $0.hasPrefix(FacePhotos.path("group-640x480.png") + ",") }.count == 3)
        #expect(csv.count == 1 + 4 + 1)
        let annotated = output.appendingPathComponent("astronaut-faces.png")
        for name in ["astronaut-faces.png", "group-640x480-faces.png", "blank-faces.png", "predictions.json"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name).path), "\(name)")
        }
        #expect(try ImageCodec.load(path: annotated.path).width == 320)

        // A second run refuses before any work and leaves the files alone.
        try Data("keep me".utf8).write(to: annotated)
        try FileManager.default.removeItem(at: output.appendingPathComponent("predictions.csv"))
        try FileManager.default.removeItem(at: output.appendingPathComponent("predictions.json"))
        let second = try run(arguments)
        #expect(second.status != 0)
        #expect(second.errors.contains(annotated.path) && second.errors.contains("--overwrite"), "\(second.errors)")
        #expect(FileManager.default.contents(atPath: annotated.path) == Data("keep me".utf8))
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("predictions.csv").path))

        let third = try run(arguments + ["--overwrite"])
        #expect(third.status == 0, "\(third.errors)")
        #expect(try ImageCodec.load(path: annotated.path).width == 320)
    }

    @Test func sheetCannotBeCombinedWithFaces() throws {
        let result = try run(["--model", "m.safetensors", "--detect-faces", "x.png", "--sheet", "--output", folder.url.path])
        #expect(result.status == 64 && result.errors.contains("--detect-faces"))
        let small = try run(["--model", "m.safetensors", "--detect-faces", "x.png", "--min-face-size", "8"])
        #expect(small.status == 64 && small.errors.contains("--min-face-size must be at least 12"), "\(small.errors)")
    }
}
