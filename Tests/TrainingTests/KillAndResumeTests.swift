import FERData
import Foundation
import Testing
@testable import Training
@testable import Experiments

/// Real processes killed with SIGKILL at several points, then resumed: the final checkpoint must
/// equal an uninterrupted run's bit for bit. Each child process is this test bundle itself,
/// running only `trainingChild` (enabled by LRN_KILL_RESUME_CHILD), which does what Example-RAFDB
/// does with the same arguments, so the child is always built from the current sources. Kills
/// inside the checkpoint write use the test-only LRN_TEST_KILL_IN_WRITE
/// (Sources/Autodiff/Files/WriteFaultInjection.swift). Linux only (/proc/self/exe).
@Suite("Kill and resume (real processes)", .serialized, .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/exe")))
struct KillAndResumeTests {
    static let childVariable = "LRN_KILL_RESUME_CHILD"

    @Test("the child process of the other tests: Example-RAFDB's run with the arguments in LRN_KILL_RESUME_CHILD",
          .enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil))
    func trainingChild() throws {
        let arguments = ProcessInfo.processInfo.environment[Self.childVariable]!.components(separatedBy: "\u{1F}")
        let settings = try ExperimentSettings.resolve(try ExperimentOptions.parse(arguments), dataset: .rafDB)
        try ExperimentRunner.run(settings, build: ModelFactory.build)
    }

    struct Outcome {
        var status: Int32
        var killed: Bool
        var output: String
    }

    /// Runs the example to its end (or its kill); `killWhen` sends SIGKILL once the output contains that text.
    static func run(_ arguments: [String], environment: [String: String] = [:], killWhen text: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = ["--testing-library", "swift-testing", "--filter", "KillAndResumeTests/trainingChild"]
        process.environment = ProcessInfo.processInfo.environment
            .merging(environment) { $1 }
            .merging([childVariable: arguments.joined(separator: "\u{1F}")]) { $1 }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("kill-resume-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning {
            if let text, let output = try? String(contentsOf: log, encoding: .utf8), output.contains(text) {
                kill(process.processIdentifier, SIGKILL)
                break
            }
            guard Date() < deadline else {
                kill(process.processIdentifier, SIGKILL)
                throw TrainingError.io("the training child \(arguments) did not finish within 120 s")
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: log)
        return Outcome(status: process.terminationStatus, killed: process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL,
                       output: output)
    }

    static func arguments(data: String, output: String) -> [String] {
        ["--data", data, "--method", "hum+cld", "--noise", "0.3", "--epochs", "3", "--backbone", "small", "--image-size", "16",
         "--batch-size", "16", "--mc-samples", "4", "--lr", "0.003", "--threads", "1", "--seed", "5", "--output", output]
    }

    /// Model and optimiser tensors as bit patterns, and the history without its timings.
    static func state(_ output: String) throws -> (tensors: [String: [UInt32]], history: [EpochRecord], epochs: Int) {
        let saved = try TrainingCheckpoint.read(from: URL(fileURLWithPath: output + "/hum-cld/checkpoint.safetensors"))
        var tensors: [String: [UInt32]] = [:]
        for (name, t) in saved.modelState { tensors["model." + name] = t.scalars.map(\.bitPattern) }
        for (name, t) in saved.optimizerState { tensors["optimizer." + name] = t.scalars.map(\.bitPattern) }
        let history = saved.history.map { record -> EpochRecord in
            var r = record
            r.seconds = 0
            r.peakResidentMegabytes = nil
            return r
        }
        return (tensors, history, saved.completedEpochs)
    }

    @Test("SIGKILL half-way through a checkpoint write, before and after its rename, and during an epoch: the resumed run is bit-identical")
    func killedAndResumed() throws {
        let base = try temporaryFolder("kill-resume")
        let data = base.appendingPathComponent("basic").path
        try SyntheticRAFDB.generate(at: data, configuration: SyntheticRAFDB.Configuration(trainCount: 48, testCount: 16, imageSize: 32, seed: 3), threads: 1)
        let straightFolder = base.appendingPathComponent("straight").path
        let straight = try Self.run(Self.arguments(data: data, output: straightFolder))
        #expect(straight.status == 0, "\(straight.output)")
        let expected = try Self.state(straightFolder)
        #expect(expected.epochs == 3)

        // (name, kill plan, what the folder holds after the kill, how to continue)
        let scenarios: [(name: String, environment: [String: String], killWhen: String?, epochsLeft: Int?, resume: Bool)] = [
            ("half-way through epoch 2's checkpoint", ["LRN_TEST_KILL_IN_WRITE": "checkpoint.safetensors:2:partial"], nil, 1, true),
            ("epoch 2's checkpoint flushed, not renamed", ["LRN_TEST_KILL_IN_WRITE": "checkpoint.safetensors:2:before-rename"], nil, 1, true),
            ("epoch 2's checkpoint renamed, reports not written", ["LRN_TEST_KILL_IN_WRITE": "checkpoint.safetensors:2:after-rename"], nil, 2, true),
            ("the first checkpoint never renamed: a plain rerun starts over", ["LRN_TEST_KILL_IN_WRITE": "checkpoint.safetensors:1:before-rename"], nil, nil, false),
            ("SIGKILL from outside once epoch 2 is reported", [:], "epoch 2/3: loss", nil, true),
        ]
        for scenario in scenarios {
            let folder = base.appendingPathComponent(UUID().uuidString).path
            let killed = try Self.run(Self.arguments(data: data, output: folder), environment: scenario.environment, killWhen: scenario.killWhen)
            #expect(killed.killed, "\(scenario.name): the process was not killed (status \(killed.status))\n\(killed.output)")
            let checkpoint = folder + "/hum-cld/checkpoint.safetensors"
            if let epochs = scenario.epochsLeft {
                #expect(try TrainingCheckpoint.read(from: URL(fileURLWithPath: checkpoint)).completedEpochs == epochs, "\(scenario.name)")
            } else if !scenario.resume {
                #expect(!FileManager.default.fileExists(atPath: checkpoint), "\(scenario.name)")
            }
            let again = try Self.run(Self.arguments(data: data, output: folder) + (scenario.resume ? ["--resume"] : []))
            #expect(again.status == 0, "\(scenario.name): the rerun failed\n\(again.output)")
            let resumed = try Self.state(folder)
            #expect(resumed.epochs == 3 && resumed.history == expected.history, "\(scenario.name): history differs")
            #expect(resumed.tensors.keys.sorted() == expected.tensors.keys.sorted(), "\(scenario.name)")
            for (name, bits) in expected.tensors where resumed.tensors[name] != bits {
                Issue.record("\(scenario.name): \(name) differs from the uninterrupted run")
            }
        }
    }
}
