import Foundation
import Testing

/// Every op name the library records (found in its sources) is exercised by some gradient case,
/// so a new differentiable op without a check fails here instead of going unnoticed.
@Suite struct GradientCoverageTests {
    /// Op names on the lines that record a graph node: `recorded("name"`, `unary(…, "name")`,
    /// `joinRows(…, op: "name")` and `let op = log ? "a" : "b"`.
    static func recordedOpNamesInSources() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Autodiff")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        try #require(!files.isEmpty, "no sources under \(sources.path)")
        let recordingLine = try Regex(#"\.recorded\(|unary\(Int32|joinRows\(|let op = "#)
        let definition = try Regex(#"func (recorded|unary|joinRows)\b"#)
        let literal = try Regex(#""([A-Za-z][A-Za-z0-9]*)""#)
        var names = Set<String>()
        for file in files {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            where line.contains(recordingLine) && !line.contains(definition) {
                for match in line.matches(of: literal) {
                    if let name = match.output[1].substring { names.insert(String(name)) }
                }
            }
        }
        return names
    }

    @Test func everyRecordedOpHasAGradientCase() throws {
        let inSources = try Self.recordedOpNamesInSources()
        let exercised = GradientCases.all.reduce(into: Set<String>()) { $0.formUnion(recordedOps($1)) }
        print("gradient-check suite: \(inSources.intersection(exercised).count) of \(inSources.count) op names recorded in Sources/Autodiff are exercised")
        #expect(inSources.count >= 30, "the source scan found too few ops: \(inSources.sorted())")
        #expect(inSources.subtracting(exercised).isEmpty, "ops without a gradient case: \(inSources.subtracting(exercised).sorted())")
    }
}
