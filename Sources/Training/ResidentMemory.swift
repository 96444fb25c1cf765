import Foundation

/// The process's resident memory from Linux's /proc/self/status, for the per-epoch peak that a
/// run records (growth from epoch to epoch means a leak). nil where /proc is not available.
enum ResidentMemory {
    /// Starts a new peak: writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS (Linux 4.0+).
    static func resetPeak() {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        try? handle.write(contentsOf: Data("5".utf8))
        try? handle.close()
    }

    /// The peak resident set since the last `resetPeak` (VmHWM), in MB.
    static func peakMegabytes() -> Double? { statusField("VmHWM:") }

    /// The resident set now (VmRSS), in MB.
    static func currentMegabytes() -> Double? { statusField("VmRSS:") }

    private static func statusField(_ name: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
        return kilobytes / 1024
    }
}
