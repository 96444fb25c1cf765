import Autodiff
import Foundation
import Training
import XCTest

/// Data-parallel training under a real MPI launcher on this machine (loopback, shared memory):
/// Tests/DistributedCheck trains a tiny model without batch norm (a classifier, and LRN's
/// HUM + CLD) and rank 0 writes its checkpoint, which these tests compare.
final class DataParallelTests: XCTestCase {
    /// 2 processes give the weights of 1 on the same global batches, for plain cross-entropy
    /// and for HUM + CLD (whose draws and centres must be handled as one process does).
    func testTwoProcessesTrainLikeOne() throws {
        for model in ["classifier", "lrn"] {
            let one = try train(processes: 1, model: model, epochs: 2)
            let two = try train(processes: 2, model: model, epochs: 2)
            try assertClose(one, two, tolerance: 2e-5, what: "\(model): 2 processes vs 1")
            // The sum of two shards is done in one fixed order: a second run is bit-identical.
            let again = try train(processes: 2, model: model, epochs: 2)
            try assertClose(two, again, tolerance: 0, what: "\(model): 2 processes, twice")
        }
    }

    /// With batch norm, 2 processes train like 1 only when the statistics are synchronised:
    /// weights and running statistics then match; each process normalising its own shard does not.
    /// On a conv + batch norm toy and on the small ResNet (fused batch norm + residual + ReLU, a
    /// downsampling path).
    func testSynchronizedBatchNormTrainsLikeOneProcess() throws {
        for model in ["batchnorm", "resnet", "lrn-resnet"] {
            let one = try train(processes: 1, model: model, epochs: 2)
            let synchronised = try train(processes: 2, model: model, epochs: 2, ["--sync-batch-norm"])
            try assertClose(one, synchronised, tolerance: 2e-5, what: "\(model): 2 synchronised processes vs 1")
            XCTAssertTrue(one.modelState.keys.contains { $0.hasSuffix("running_var") }, "\(model) has no batch norm")
            let perProcess = try train(processes: 2, model: model, epochs: 2)
            let worst = worstDifference(one, perProcess)
            XCTAssertGreaterThan(worst.difference, 1e-3, "\(model): per-process batch norm should not match 1 process (\(worst.name))")
            // Alone, the option changes nothing.
            let oneSynchronised = try train(processes: 1, model: model, epochs: 2, ["--sync-batch-norm"])
            try assertClose(one, oneSynchronised, tolerance: 0, what: "\(model): 1 process with and without the option")
        }
    }

    /// The built-in examples train with Adam, which divides each summed gradient by its own
    /// running magnitude, so that any error in the sum (or an optimiser state that differed
    /// between processes) would show at once: 2 synchronised processes still give the weights,
    /// running statistics and optimiser moments of 1.
    func testAdamOnSummedGradientsTrainsLikeOneProcess() throws {
        for model in ["resnet", "lrn-resnet", "lrn"] {
            let one = try train(processes: 1, model: model, epochs: 2, ["--optimizer", "adam"])
            let two = try train(processes: 2, model: model, epochs: 2, ["--optimizer", "adam", "--sync-batch-norm"])
            try assertClose(one, two, tolerance: 2e-5, what: "\(model) with Adam: 2 processes vs 1")
            let moments = worstDifference(one.optimizerState, two.optimizerState)
            XCTAssertFalse(one.optimizerState.isEmpty, "\(model): no optimiser state to compare")
            XCTAssertLessThanOrEqual(moments.difference, 2e-5, "\(model) with Adam: optimiser state \(moments.name) differs")
        }
    }

    /// A global batch smaller than the group leaves a process without rows, which synchronised
    /// batch norm cannot do: every process stops with the same error instead of waiting.
    func testSynchronizedBatchNormRejectsAnEmptyShard() throws {
        let output = try run(processes: 2, ["--model", "batchnorm", "--train-rows", "41", "--epochs", "1", "--sync-batch-norm"], expectSuccess: false)
        XCTAssertTrue(output.contains("--sync-batch-norm needs at least one row per process"), "no clear message:\n\(output)")
    }

    /// One process under the launcher is the plain single-process loop, bit for bit.
    func testOneProcessUnderTheLauncherIsThePlainLoop() throws {
        let plain = try train(processes: nil, model: "lrn", epochs: 2)
        let launched = try train(processes: 1, model: "lrn", epochs: 2)
        try assertClose(plain, launched, tolerance: 0, what: "mpirun -np 1 vs no launcher")
    }

    /// A run checkpointed by 2 processes resumes on 1 and the reverse, ending where an
    /// uninterrupted run ends.
    func testResumeWithAnotherNumberOfProcesses() throws {
        let straight = try train(processes: 1, model: "lrn", epochs: 3)
        for (first, second) in [(2, 1), (1, 2)] {
            let url = scratch().appendingPathComponent("check.safetensors")
            _ = try run(processes: first, ["--model", "lrn", "--epochs", "1", "--checkpoint", url.path])
            _ = try run(processes: second, ["--model", "lrn", "--epochs", "3", "--checkpoint", url.path, "--resume"])
            try assertClose(straight, try TrainingCheckpoint.read(from: url), tolerance: 2e-5, what: "\(first) then \(second) processes")
        }
    }

    /// A process killed mid-epoch, or stopping on an error, stops the others with a message
    /// instead of leaving them waiting in a collective call.
    func testAFailedProcessStopsTheOthers() throws {
        let killed = try run(processes: 2, ["--epochs", "50", "--fail-rank", "1", "--fail-batch", "3", "--fail-how", "kill"], expectSuccess: false)
        XCTAssertTrue(killed.contains("rank 1") && killed.contains("signal 9"), "no clear message for a killed process:\n\(killed)")
        let failed = try run(processes: 2, ["--epochs", "50", "--fail-rank", "1", "--fail-batch", "3", "--fail-how", "throw"], expectSuccess: false)
        XCTAssertTrue(failed.contains("Error on rank 1 of 2") && failed.contains("fails at batch 3"), "the error is not reported:\n\(failed)")
    }

    // MARK: - Running the check program

    private func scratch() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lrn-distributed-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Trains from scratch with `processes` (nil: without a launcher) and reads rank 0's checkpoint.
    private func train(processes: Int?, model: String, epochs: Int, _ extra: [String] = []) throws -> TrainingCheckpoint {
        let url = scratch().appendingPathComponent("check.safetensors")
        _ = try run(processes: processes, ["--model", model, "--epochs", String(epochs), "--checkpoint", url.path] + extra)
        return try TrainingCheckpoint.read(from: url)
    }

    /// Runs the check program (under `mpirun -np processes`, or alone when nil) with a time
    /// limit, and returns its output; fails the test if it does not end as expected.
    @discardableResult
    private func run(processes: Int?, _ arguments: [String], expectSuccess: Bool = true) throws -> String {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let check = folder.appendingPathComponent("DistributedCheck").path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: check), "build the DistributedCheck product first: \(check)")
        let process = Process()
        if let processes {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", String(processes), check] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: check)
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        // One machine, no network: shared memory between the processes (Documentation/Distributed.md).
        environment["OMPI_MCA_btl"] = environment["OMPI_MCA_btl"] ?? "self,vader"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        var text = Data()
        let reader = Thread { text = output.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            process.terminate()
            XCTFail("\(arguments) with \(processes ?? 1) processes still runs after 120 s: a process hangs")
        }
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        let result = String(decoding: text, as: UTF8.self)
        if expectSuccess {
            XCTAssertEqual(process.terminationStatus, 0, "\(arguments) with \(processes ?? 1) processes failed:\n\(result)")
        } else {
            XCTAssertNotEqual(process.terminationStatus, 0, "\(arguments) with \(processes ?? 1) processes should have failed:\n\(result)")
        }
        return result
    }

    private func assertClose(_ a: TrainingCheckpoint, _ b: TrainingCheckpoint, tolerance: Float, what: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(a.completedEpochs, b.completedEpochs, what, file: file, line: line)
        XCTAssertEqual(Set(a.modelState.keys), Set(b.modelState.keys), what, file: file, line: line)
        let worst = worstDifference(a, b)
        XCTAssertTrue(worst.difference <= tolerance, "\(what): \(worst.name) differs by \(worst.difference) (relative), more than \(tolerance)", file: file, line: line)
    }

    /// The largest relative difference between the two checkpoints' tensors, and where.
    private func worstDifference(_ a: TrainingCheckpoint, _ b: TrainingCheckpoint) -> (name: String, difference: Float) {
        worstDifference(a.modelState, b.modelState)
    }

    private func worstDifference(_ a: [String: Tensor<Float>], _ b: [String: Tensor<Float>]) -> (name: String, difference: Float) {
        var worst: (name: String, difference: Float) = ("", 0)
        for (name, x) in a {
            guard let y = b[name] else { continue }
            for (u, v) in zip(x.scalars, y.scalars) {
                let difference = abs(u - v) / max(1, abs(u))
                if !(difference <= worst.difference) { worst = (name, difference) }
            }
        }
        return worst
    }
}
