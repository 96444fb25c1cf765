import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// The package's one atomic file writer: checkpoints, weights, reports and tables all go
// through it (Training and the examples included), so every file the library writes is
// either the old one or the whole new one, even across a power cut.

/// Writes `text` as UTF-8 with `writeAtomically(_:to:)`.
public func writeAtomically(_ text: String, to url: URL) throws {
    try writeAtomically(Array(text.utf8), to: url)
}

/// Writes `bytes` to a temporary file beside `url` (created exclusively), fsyncs it and renames
/// it over `url`: a reader, or a run killed at any point, sees the old file or the new one,
/// never half of one. Throws `SafeTensorsError.io` naming the file and the system's reason.
public func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else {
        throw SafeTensorsError.io(path: temporary.path, reason: "cannot create temporary file: \(String(cString: strerror(errno)))")
    }
    var failure: String?
    let killTarget = WriteFaultInjection.isTarget(url)
    bytes.withUnsafeBytes { raw in
        var written = 0
        while written < raw.count {
            // A kill planned half-way needs the first half written on its own.
            let half = raw.count / 2
            if killTarget && written >= half { WriteFaultInjection.reached(.partial, target: killTarget) }
            let chunk = killTarget && written < half ? half - written : raw.count - written
            let n = Glibc_write(fd, raw.baseAddress! + written, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                failure = "write failed: \(String(cString: strerror(errno)))"
                return
            }
            written += n
        }
    }
    if failure == nil && fsync(fd) != 0 { failure = "fsync failed: \(String(cString: strerror(errno)))" }
    close(fd)
    if failure == nil { WriteFaultInjection.reached(.beforeRename, target: killTarget) }
    if failure == nil && rename(temporary.path, url.path) != 0 {
        failure = "cannot rename the temporary file into place: \(String(cString: strerror(errno)))"
    }
    if failure == nil { WriteFaultInjection.reached(.afterRename, target: killTarget) }
    if let failure {
        unlink(temporary.path)
        throw SafeTensorsError.io(path: url.path, reason: failure)
    }
}

/// POSIX write(2), named apart from the Swift functions called `write` around it.
@inline(__always) private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}
