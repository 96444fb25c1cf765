import FERData
import ExecutableTestSupport
import Foundation
import Testing

/// Runs the built Example-Faces (built with the tests by `swift build --build-tests`).
@Suite struct ExampleFacesTests {
    static func run(_ arguments: [String]) throws -> ExampleRun { try runExample("Example-Faces", arguments) }

    static func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("faces-\(UUID().uuidString)").path
    }

    @Test func writesAnnotatedPhotoAndCropsAndNeverOverwrites() throws {
        let output = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let first = try Self.run([Fixtures.path("astronaut.png"), "--output", output, "--save-crops", "--crop-size", "96"])
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.contains("astronaut.png: 1 face") && first.output.contains("score 0.999") && first.output.contains("landmarks"))
        let annotated = (output as NSString).appendingPathComponent("astronaut-annotated.png")
        let crop = (output as NSString).appendingPathComponent("astronaut-face1.png")
        #expect(try ImageCodec.load(path: annotated).width == 320)
        #expect(try ImageCodec.load(path: crop).width == 96)

        // A second run refuses, leaves the files alone, and says how to proceed.
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: crop))
        let second = try Self.run([Fixtures.path("astronaut.png"), "--output", output, "--save-crops"])
        #expect(second.status != 0)
        #expect(second.errors.contains("already exists") && second.errors.contains("--overwrite"))
        #expect(FileManager.default.contents(atPath: crop) == Data("keep me".utf8))

        let third = try Self.run([Fixtures.path("astronaut.png"), "--output", output, "--save-crops", "--overwrite"])
        #expect(third.status == 0, "\(third.errors)")
        #expect(try ImageCodec.load(path: crop).width == 112)
    }

    @Test func badFlagsAreRefusedWithTheirName() throws {
        let output = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let thresholds = try Self.run([Fixtures.path("astronaut.png"), "--output", output, "--thresholds", "0.6,0.7"])
        #expect(thresholds.status != 0 && thresholds.errors.contains("thresholds"))
        let minimum = try Self.run([Fixtures.path("astronaut.png"), "--output", output, "--min-face-size", "5"])
        #expect(minimum.status != 0 && minimum.errors.contains("minimum face size"))
        let missing = try Self.run(["no-such-photo.jpg", "--output", output])
        #expect(missing.status != 0 && missing.errors.contains("no-such-photo.jpg"))
    }

    /// A photo without faces is a result ("0 faces"), not an error.
    @Test func photoWithoutFaces() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let blank = (folder as NSString).appendingPathComponent("blank.png")
        try ImageCodec.save(RGBImage(width: 64, height: 48, red: 90, green: 90, blue: 90), path: blank)
        let run = try Self.run([folder, "--output", (folder as NSString).appendingPathComponent("out")])
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("blank.png: 0 faces"))
    }
}
