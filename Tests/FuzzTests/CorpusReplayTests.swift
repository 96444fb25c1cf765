import Foundation
import FuzzHarnesses
import Testing

/// Every committed seed and every input that once crashed a fuzzer (Tests/Fuzz/Corpus/<target>
/// and Tests/Fuzz/Crashes/<target>) runs through its harness in the ordinary test run: a fixed
/// bug that comes back traps here, without the fuzzer.
@Suite struct CorpusReplayTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz").path

    static let harnesses: [String: FuzzMain.Harness] = [
        "PNG": ImageHarnesses.png, "JPEG": ImageHarnesses.jpeg, "SafeTensors": SafeTensorsHarness.run,
        "RAFDB": LabelFileHarnesses.rafDB, "FERPlus": LabelFileHarnesses.ferPlus, "AffectNet": LabelFileHarnesses.affectNet,
    ]

    static func inputs(_ kind: String, _ target: String) -> [String] {
        let folder = (fuzzFolder as NSString).appendingPathComponent("\(kind)/\(target)")
        guard FileManager.default.fileExists(atPath: folder) else { return [] }
        return FuzzMain.inputFiles(folder)
    }

    @Test(arguments: ["PNG", "JPEG", "SafeTensors", "RAFDB", "FERPlus", "AffectNet"])
    func seedsAndCrashInputsReplay(target: String) throws {
        let harness = try #require(Self.harnesses[target])
        let seeds = Self.inputs("Corpus", target)
        #expect(seeds.count >= 3, "the seed corpus of \(target) is missing")
        for file in seeds + Self.inputs("Crashes", target) {
            harness([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
        }
    }
}
