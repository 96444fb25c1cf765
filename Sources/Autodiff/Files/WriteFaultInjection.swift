import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// TEST ONLY: kills the process at a chosen point inside an atomic write, so a test can check
/// that a run killed there resumes bit for bit (Tests/TrainingTests/KillAndResumeTests.swift).
/// It acts through the stages of the one atomic writer (AtomicWrite.swift).
///
///     LRN_TEST_KILL_IN_WRITE=<file name>:<n>:<stage>
///
/// sends SIGKILL to this process during the n-th write (counted from 1 in this process) of a file
/// with that name, at `partial` (half the bytes in the temporary file), `before-rename` (temporary
/// file complete and flushed, not renamed yet) or `after-rename` (the new file in place). Unset,
/// it costs one dictionary lookup per process.
enum WriteFaultInjection {
    private static let plan: (file: String, occurrence: Int, stage: AtomicWriteStage)? = {
        guard let value = ProcessInfo.processInfo.environment["LRN_TEST_KILL_IN_WRITE"] else { return nil }
        let parts = value.split(separator: ":").map(String.init)
        guard parts.count == 3, let n = Int(parts[1]), let stage = AtomicWriteStage(rawValue: parts[2]) else {
            fatalError("LRN_TEST_KILL_IN_WRITE=\(value): expected <file name>:<n>:partial|before-rename|after-rename (a test-only setting)")
        }
        return (parts[0], n, stage)
    }()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var writes = 0

    /// Called once at the start of each atomic write; true when this write is the one to kill.
    static func isTarget(_ url: URL) -> Bool {
        guard let plan, url.lastPathComponent == plan.file else { return false }
        lock.lock()
        defer { lock.unlock() }
        writes += 1
        return writes == plan.occurrence
    }

    /// Kills the process if `stage` is the planned one.
    static func reached(_ stage: AtomicWriteStage, target: Bool) {
        guard target, plan?.stage == stage else { return }
        FileHandle.standardError.write(Data("LRN_TEST_KILL_IN_WRITE: killing the process at \(stage.rawValue)\n".utf8))
        kill(getpid(), SIGKILL)
    }
}

