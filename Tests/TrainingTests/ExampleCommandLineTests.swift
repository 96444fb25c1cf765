import FERData
import Foundation
import Testing
@testable import Training

/// The examples as a user runs them: flag errors name the flag, and everything that can be
/// checked is checked before the first epoch or table cell trains.
@Suite("Examples on the command line", .serialized)
struct ExampleCommandLineTests {
    static func tinyRAFDB() throws -> String {
        let root = try temporaryFolder("cli").appendingPathComponent("basic").path
        try SyntheticRAFDB.generate(at: root, configuration: SyntheticRAFDB.Configuration(trainCount: 21, testCount: 14, imageSize: 32, seed: 4), threads: 1)
        return root
    }

    @Test("Example-Tables stops on a missing --affectnet folder before the first RAF-DB cell trains")
    func tablesCheckEveryDataSetFirst() throws {
        let root = try Self.tinyRAFDB()
        let output = try temporaryFolder("cli-tables").appendingPathComponent("out").path
        let outcome = try KillAndResumeTests.run(["--table", "1", "--data", root, "--affectnet", "/nonexistent/AffectNet", "--epochs", "1",
                                                  "--backbone", "small", "--image-size", "16", "--threads", "1", "--output", output],
                                                 example: "Example-Tables")
        #expect(outcome.status != 0)
        #expect(outcome.output.contains("/nonexistent/AffectNet"), "\(outcome.output)")
        #expect(!outcome.output.contains("epoch 1/1"), "a cell trained before the data sets were checked:\n\(outcome.output)")
        let written = (FileManager.default.enumerator(atPath: output)?.allObjects as? [String]) ?? []
        #expect(!written.contains { $0.hasSuffix("checkpoint.safetensors") })
    }

    @Test("flag errors name the flag and the path: --output at a file, --pretrained at a folder, a negative --noise")
    func flagErrors() throws {
        let folder = try temporaryFolder("cli-flags")
        let file = folder.appendingPathComponent("results.txt")
        try Data("mine".utf8).write(to: file)
        let output = try KillAndResumeTests.run(["--data", "/nonexistent", "--output", file.path])
        #expect(output.status != 0 && output.output.contains("--output \(file.path): it is a file"), "\(output.output)")
        #expect(!output.output.contains("NSCocoaErrorDomain") && !output.output.contains("Error Domain"))

        let pretrained = try KillAndResumeTests.run(["--data", "/nonexistent", "--pretrained", folder.path, "--output", folder.path + "/out"])
        #expect(pretrained.status != 0 && pretrained.output.contains("--pretrained \(folder.path) is a folder"), "\(pretrained.output)")

        let noise = try KillAndResumeTests.run(["--noise", "-0.1"])
        #expect(noise.status != 0 && noise.output.contains("--noise must be a fraction in [0, 1)"), "\(noise.output)")
        #expect(!noise.output.contains("Missing value"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "mine")
    }
}
