import ExecutableTestSupport
import Testing

/// README.md: every example but the tutorial (and the benchmarks) lists its flags with --help.
/// Also catches an example whose flags clash (ArgumentParser refuses every call of such a
/// command in a debug build, --help included).
@Suite struct ExampleHelpTests {
    static let examples = ["Example-RAFDB", "Example-AffectNet", "Example-FERPlus", "Example-ImageFolder", "Example-Tables",
                           "Example-Export", "Example-Predict", "Example-Audit", "Example-Faces"]

    @Test(arguments: examples)
    func answersHelp(_ name: String) throws {
        let run = try runExample(name, ["--help"])
        #expect(run.status == 0, "\(name) --help: exit \(run.status), \(run.errors)")
        #expect(run.output.contains("USAGE:") && run.output.contains("--output"), "\(name) --help printed: \(run.output.prefix(300))")
    }
}
