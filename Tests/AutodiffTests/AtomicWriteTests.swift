import Foundation
import Testing
@testable import Autodiff

/// The package's one atomic writer (Sources/Autodiff/Files/AtomicWrite.swift).
@Suite final class AtomicWriteTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: folder) }

    var entries: [String] { (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] }

    struct Planned: Error, CustomStringConvertible { var description: String { "planned failure" } }

    @Test func replacesTheFileWholeAndLeavesNoTemporary() throws {
        let url = folder.appendingPathComponent("table.csv")
        try writeAtomically("a,b\n1,2\n", to: url)
        try writeAtomically("a,b\n3,4\n", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "a,b\n3,4\n")
        #expect(entries == ["table.csv"])
    }

    @Test func aMissingFolderIsAnErrorNamingThePath() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/report.json")
        #expect {
            try writeAtomically("{}", to: url)
        } throws: { error in
            (error as? FileWriteError)?.path == url.path && "\(error)".contains(url.path)
        }
    }

    /// The new bytes are all in a sibling temporary file, closed after fsync, before the rename
    /// replaces the old file: until then a reader sees the old file.
    @Test func theTemporaryFileIsCompleteBeforeTheRename() throws {
        let url = folder.appendingPathComponent("weights.bin")
        try writeAtomically("old", to: url)
        let new = Array((0..<100_001).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        var seen: [AtomicWriteStage] = []
        try writeAtomically(new, to: url) { stage, temporary in
            seen.append(stage)
            switch stage {
            case .partial:
                #expect(FileManager.default.contents(atPath: temporary.path)?.count == new.count / 2)
                #expect(FileManager.default.contents(atPath: url.path) == Data("old".utf8))
            case .beforeRename:
                #expect(temporary.deletingLastPathComponent() == url.deletingLastPathComponent())
                #expect(FileManager.default.contents(atPath: temporary.path) == Data(new))
                #expect(FileManager.default.contents(atPath: url.path) == Data("old".utf8))
            case .afterRename:
                #expect(!FileManager.default.fileExists(atPath: temporary.path))
            }
        }
        #expect(seen == [.partial, .beforeRename, .afterRename])
        #expect(FileManager.default.contents(atPath: url.path) == Data(new))
        #expect(entries == ["weights.bin"])
    }

    /// A write that fails half-way or just before the rename leaves the old file as it was and
    /// no temporary file, and says which file it could not write.
    @Test(arguments: [AtomicWriteStage.partial, .beforeRename])
    func aFailedWriteLeavesTheOldFile(failingAt failure: AtomicWriteStage) throws {
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        try writeAtomically("the old checkpoint", to: url)
        #expect {
            try writeAtomically(Array("the new checkpoint, longer".utf8), to: url) { stage, _ in
                if stage == failure { throw Planned() }
            }
        } throws: { error in
            (error as? FileWriteError) == FileWriteError(path: url.path, reason: "planned failure")
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "the old checkpoint")
        #expect(entries == ["checkpoint.safetensors"])
    }
}
