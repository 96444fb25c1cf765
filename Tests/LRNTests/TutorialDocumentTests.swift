import Foundation
import Testing

/// Documentation/BuildingANoisyLabelModel.md shows the code of Examples/Tutorial/main.swift,
/// which is compiled and run: every step of the file must appear verbatim in the document.
@Suite struct TutorialDocumentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func documentShowsTheCompiledCode() throws {
        let source = try String(contentsOf: Self.root.appendingPathComponent("Examples/Tutorial/main.swift"), encoding: .utf8)
        let document = try String(contentsOf: Self.root.appendingPathComponent("Documentation/BuildingANoisyLabelModel.md"), encoding: .utf8)
        let marker = "// MARK: step "
        var steps = source.components(separatedBy: "\n").split(whereSeparator: { $0.hasPrefix(marker) }).dropFirst().map {
            $0.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        steps = steps.map { $0.hasSuffix("import Foundation") ? String($0.dropLast("import Foundation".count)).trimmingCharacters(in: .whitespacesAndNewlines) : $0 }
        #expect(steps.count == 7)
        for (i, step) in steps.enumerated() {
            #expect(document.contains("```swift\n" + step + "\n```"), "step \(i) of Examples/Tutorial/main.swift is not shown verbatim in the document")
        }
    }
}
