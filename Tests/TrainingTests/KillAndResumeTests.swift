import FERData
import Foundation
import Testing
@testable import Training

/// Real processes killed with SIGKILL at several points, then resumed: the final checkpoint must
/// equal an uninterrupted run's bit for bit. The child is the Example-RAFDB executable that
/// `swift build --build-tests` builds beside this test bundle (.ci/run does so before
/// `swift test`); kills inside the checkpoint write use the test-only LRN_TEST_KILL_IN_WRITE
/// (Sources/Layers/SafeTensors/WriteFaultInjection.swift).
@Suite("Kill and resume (real processes)", .serialized)
struct KillAndResumeTests {
    /// An example beside this test bundle, refused when older than the modules it is built from.
    static func executable(_ name: String = "Example-RAFDB") throws -> URL {
        let bundle = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        let directory = bundle.deletingLastPathComponent()
        let url = directory.appendingPathComponent(name)
        let modified = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil }
        guard let built = modified(url.path) else {
            throw TrainingError.io("\(url.path) is missing: run `swift build --build-tests` before `swift test` (as .ci/run does)")
        }
        for module in ["Autodiff", "Layers", "LRN", "FERData", "Training", name.replacingOccurrences(of: "-", with: "_")] {
            let folder = directory.appendingPathComponent("\(module).build").path
            for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasSuffix(".o") {
                if let date = modified(folder + "/" + file), date > built {
                    throw TrainingError.io("\(url.path) is older than \(folder)/\(file): run `swift build --build-tests` before `swift test` (as .ci/run does)")
                }
            }
        }
        return url
    }

    struct Outcome {
        var status: Int32
        var killed: Bool
        var output: String
    }

    /// Runs the example to its end (or its kill); `killWhen` sends SIGKILL once the output contains that text.
    static func run(_ arguments: [String], example: String = "Example-RAFDB", environment: [String: String] = [:],
                    killWhen text: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = try executable(example)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
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
                throw TrainingError.io("\(example) \(arguments) did not finish within 120 s")
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
