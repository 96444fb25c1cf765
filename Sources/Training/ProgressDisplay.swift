#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation

/// What one progress line shows.
public struct ProgressState: Equatable, Sendable {
    public var label: String
    public var done: Int
    public var total: Int
    public var elapsedSeconds: Double
    public var runningLoss: Double
    public var runningAccuracy: Double

    public init(label: String, done: Int, total: Int, elapsedSeconds: Double, runningLoss: Double, runningAccuracy: Double) {
        self.label = label
        self.done = done
        self.total = total
        self.elapsedSeconds = elapsedSeconds
        self.runningLoss = runningLoss
        self.runningAccuracy = runningAccuracy
    }

    public var imagesPerSecond: Double { elapsedSeconds > 0 ? Double(done) / elapsedSeconds : 0 }
    /// Seconds left at the current rate; nil before the first image.
    public var etaSeconds: Double? {
        guard done > 0, elapsedSeconds > 0 else { return nil }
        return Double(max(total - done, 0)) / imagesPerSecond
    }

    /// `epoch 3/20 [#########.........]  45% 1234/2740  56.1 img/s  ETA 0:27  loss 1.2345  acc 61.20%`
    public func rendered(barWidth: Int = 24) -> String {
        let fraction = total > 0 ? min(Double(done) / Double(total), 1) : 0
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled)
        let percent = String(repeating: " ", count: max(0, 3 - String(Int(fraction * 100)).count)) + "\(Int(fraction * 100))%"
        let eta = etaSeconds.map(formatDuration) ?? "--:--"
        return "\(label) [\(bar)] \(percent) \(done)/\(total)  \(fixed(imagesPerSecond, decimals: 1)) img/s  ETA \(eta)  loss \(fixed(runningLoss, decimals: 4))  acc \(formatPercent(runningAccuracy))"
    }
}

/// "1:05:09", "4:07" or "0:03".
public func formatDuration(_ seconds: Double) -> String {
    let s = Int(max(0, seconds).rounded())
    let h = s / 3600, m = (s % 3600) / 60, r = s % 60
    let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
    return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
}

/// A progress bar on a terminal (one line rewritten with \r), plain lines every few seconds
/// otherwise (CI logs, files), and nothing at all when quiet.
public final class ProgressDisplay {
    public enum Style: Sendable { case terminal, periodicLines, silent }

    public let style: Style
    private let interval: Double
    private var lastPrinted = -Double.infinity
    private var lineOpen = false
    private let write: (String) -> Void

    /// `style` defaults to a bar when standard output is a terminal.
    public init(style: Style? = nil, lineInterval: Double = 10, write: ((String) -> Void)? = nil) {
        self.style = style ?? (isatty(STDOUT_FILENO) != 0 ? .terminal : .periodicLines)
        interval = lineInterval
        self.write = write ?? { text in
            FileHandle.standardOutput.write(text.data(using: .utf8)!)
        }
    }

    /// Shows `state`; on a terminal at most ~10 times a second, otherwise every `lineInterval` seconds.
    public func update(_ state: ProgressState) {
        switch style {
        case .silent: return
        case .terminal:
            guard state.elapsedSeconds - lastPrinted >= 0.1 || state.done >= state.total else { return }
            write("\r" + state.rendered() + "\u{1B}[K")
            lineOpen = true
        case .periodicLines:
            guard state.elapsedSeconds - lastPrinted >= interval || state.done >= state.total else { return }
            write(state.rendered() + "\n")
        }
        lastPrinted = state.elapsedSeconds
    }

    /// Ends the current bar so that the next message starts on a fresh line.
    public func finish() {
        if lineOpen { write("\n") }
        lineOpen = false
        lastPrinted = -Double.infinity
    }

    /// Prints a message on its own line (closing an open bar first).
    public func message(_ text: String) {
        finish()
        if style != .silent { write(text + "\n") }
    }
}
