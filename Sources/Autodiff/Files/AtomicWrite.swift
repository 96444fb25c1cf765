import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// The package's one atomic file writer: checkpoints, weights, model files, reports, tables,
// images, label lists and generated data sets all go through it, so every file the library
// writes is either the old one or the whole new one, even across a power cut. It lives in
// Autodiff, the lowest Swift module, so that FERData (which does not see Layers) uses it too.

/// A file the library could not write. The old file, if any, is left as it was.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes `text` as UTF-8 with `writeAtomically(_:to:)`.
public func writeAtomically(_ text: String, to url: URL) throws {
    try writeAtomically(Array(text.utf8), to: url)
}

/// Writes `bytes` to a temporary file beside `url` (created exclusively), fsyncs it and renames
/// it over `url`: a reader, or a run killed at any point, sees the old file or the new one,
/// never half of one. Throws `FileWriteError` naming the file and the system's reason; the
/// temporary file is removed on failure.
public func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
    let kill = WriteFaultInjection.isTarget(url)
    try writeAtomically(bytes, to: url) { stage, _ in WriteFaultInjection.reached(stage, target: kill) }
}

/// The points an atomic write passes, in order (named as LRN_TEST_KILL_IN_WRITE names them).
enum AtomicWriteStage: String {
    /// Half the bytes are in the temporary file.
    case partial
    /// The temporary file is complete and fsynced; `url` still holds the old file.
    case beforeRename = "before-rename"
    /// The new file is in place.
    case afterRename = "after-rename"
}

/// The writer itself. `stage` is called at each stage with the temporary file; an error it
/// throws at `partial` or `beforeRename` fails the write there, as a failing system call would
/// (the tests use this; the kill switch of WriteFaultInjection.swift uses it to stop the process).
func writeAtomically(_ bytes: [UInt8], to url: URL, stage: (AtomicWriteStage, URL) throws -> Void) throws {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else {
        throw FileWriteError(path: url.path, reason: "cannot create the temporary file \(temporary.path): \(systemError())")
    }
    var failure: String?
    // Two halves, so that a test can stop the write with half the bytes on disk.
    let half = bytes.count / 2
    if let problem = writeAll(fd, bytes, 0..<half) {
        failure = problem
    } else {
        do { try stage(.partial, temporary) } catch { failure = "\(error)" }
    }
    if failure == nil, let problem = writeAll(fd, bytes, half..<bytes.count) { failure = problem }
    if failure == nil && fsync(fd) != 0 { failure = "fsync failed: \(systemError())" }
    if close(fd) != 0 && failure == nil { failure = "close failed: \(systemError())" }
    if failure == nil {
        do { try stage(.beforeRename, temporary) } catch { failure = "\(error)" }
    }
    if failure == nil && rename(temporary.path, url.path) != 0 {
        failure = "cannot rename the temporary file into place: \(systemError())"
    }
    if let failure {
        unlink(temporary.path)
        throw FileWriteError(path: url.path, reason: failure)
    }
    try? stage(.afterRename, temporary)
}

/// Writes `range` of `bytes` in full (write(2) may take fewer bytes or be interrupted); the
/// system's reason on failure.
private func writeAll(_ fd: Int32, _ bytes: [UInt8], _ range: Range<Int>) -> String? {
    bytes.withUnsafeBytes { raw in
        var offset = range.lowerBound
        while offset < range.upperBound {
            let n = systemWrite(fd, raw.baseAddress! + offset, range.upperBound - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return "write failed: \(systemError())"
            }
            offset += n
        }
        return nil
    }
}

private func systemError() -> String { String(cString: strerror(errno)) }

/// POSIX write(2), named apart from the Swift functions called `write` around it.
@inline(__always) private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
