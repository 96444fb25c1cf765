import Foundation

/// A one-line progress bar on standard error (rewritten in place on a terminal, one line every
/// few seconds otherwise), so that standard output keeps only the table.
final class ProgressLine {
    private let start = Date()
    private var lastShown = -Double.infinity
    private let isTerminal = isatty(STDERR_FILENO) != 0

    func update(done: Int, total: Int) {
        let elapsed = Date().timeIntervalSince(start)
        guard elapsed - lastShown >= (isTerminal ? 0.1 : 10) || done >= total else { return }
        lastShown = elapsed
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let filled = Int(fraction * 24)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let line = "predicting [\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 24 - filled))] \(Int(fraction * 100))% \(done)/\(total)  \(String(format: "%.1f", rate)) img/s"
        FileHandle.standardError.write(Data((isTerminal ? "\r" + line + "\u{1B}[K" : line + "\n").utf8))
        if isTerminal && done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
