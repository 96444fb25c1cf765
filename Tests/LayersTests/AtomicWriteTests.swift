import Foundation
import Layers
import Testing

@Suite struct AtomicWriteTests {
    @Test func replacesTheFileWholeAndLeavesNoTemporary() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("table.csv")
        try writeAtomically("a,b\n1,2\n", to: url)
        try writeAtomically("a,b\n3,4\n", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "a,b\n3,4\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["table.csv"])
    }

    @Test func aMissingFolderIsAnErrorNamingThePath() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/report.json")
        #expect {
            try writeAtomically("{}", to: url)
        } throws: { error in
            "\(error)".contains(url.deletingLastPathComponent().path)
        }
    }
}
