import FERData
import Foundation
import Testing
@testable import Training
@testable import Experiments

@Suite("Paper table runs")
struct PaperTableRunTests {
    func options(_ arguments: [String]) throws -> ExperimentOptions { try ExperimentOptions.parse(arguments) }

    @Test("a missing --affectnet folder stops Table 1 before the first RAF-DB cell trains")
    func checksEveryDataSetFirst() throws {
        let root = try RunnerTests.fixtureRoot()
        let output = try temporaryFolder("tables").appendingPathComponent("out").path
        let run = PaperTableRun(options: try options(["--data", root, "--epochs", "1", "--image-size", "16", "--batch-size", "16", "--output", output]),
                                tables: ["1"], affectNet: "/nonexistent/AffectNet", ferPlus: nil)
        #expect(run.plannedCells.first?.dataset == .rafdb && run.plannedCells.contains { $0.dataset == .affectnet })
        var built = 0
        let counting: ModelBuilder<PixelLinearModel> = { method, settings, classes in
            built += 1
            return try RunnerTests.pixels(method, settings, classes)
        }
        #expect {
            _ = try run.run(progress: ProgressDisplay(style: .silent), build: counting)
        } throws: { "\($0)".contains("/nonexistent/AffectNet") }
        #expect(built == 0)
        let written = (FileManager.default.enumerator(atPath: output)?.allObjects as? [String]) ?? []
        #expect(!written.contains { $0.hasSuffix("checkpoint.safetensors") })
    }

    @Test("with every data set valid the cells train and the table is saved; a second run without --resume is refused, --resume reads it back")
    func trainsAndResumes() throws {
        let root = try RunnerTests.fixtureRoot()
        let output = try temporaryFolder("tables-ok").appendingPathComponent("out").path
        let arguments = ["--data", root, "--epochs", "1", "--image-size", "16", "--batch-size", "16", "--output", output]
        let run = PaperTableRun(options: try options(arguments), tables: ["3"], affectNet: nil, ferPlus: nil)
        let first = try run.run(progress: ProgressDisplay(style: .silent), build: RunnerTests.pixels)
        #expect(first.map(\.url.lastPathComponent) == ["table3.csv"])
        #expect(FileManager.default.fileExists(atPath: output + "/raf-db-noise0-hum-cld/hum-cld/checkpoint.safetensors"))
        #expect {
            _ = try run.run(progress: ProgressDisplay(style: .silent), build: RunnerTests.pixels)
        } throws: { "\($0)".contains("already holds a run (table3.csv)") }
        let again = PaperTableRun(options: try options(arguments + ["--resume"]), tables: ["3"], affectNet: nil, ferPlus: nil)
        let resumed = try again.run(progress: ProgressDisplay(style: .silent), build: RunnerTests.pixels)
        #expect(resumed.first?.table.rows == first.first?.table.rows)
    }
}
