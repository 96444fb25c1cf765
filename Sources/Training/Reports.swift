import Autodiff
import Foundation
import Layers

/// Writes a run's results next to the printed table: JSON (everything), CSV (per-epoch
/// history, per-class accuracy, confusion matrix) and SVG pictures (curves, confusion matrix).
public enum Reports {
    /// The files written for one run, by kind.
    public struct Written: Sendable {
        public var json: URL
        public var historyCSV: URL
        public var perClassCSV: URL
        public var confusionCSV: URL
        public var curvesSVG: URL
        public var confusionSVG: URL
        public var all: [URL] { [json, historyCSV, perClassCSV, confusionCSV, curvesSVG, confusionSVG] }
    }

    /// Writes every report of `result` into `directory` (created if missing), each file atomically.
    @discardableResult
    public static func write(_ result: RunResult, to directory: URL) throws -> Written {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let base = fileSafe(result.name)
        let written = Written(
            json: directory.appendingPathComponent("\(base)-results.json"),
            historyCSV: directory.appendingPathComponent("\(base)-history.csv"),
            perClassCSV: directory.appendingPathComponent("\(base)-per-class.csv"),
            confusionCSV: directory.appendingPathComponent("\(base)-confusion.csv"),
            curvesSVG: directory.appendingPathComponent("\(base)-curves.svg"),
            confusionSVG: directory.appendingPathComponent("\(base)-confusion.svg"))
        try writeAtomically(json(result), to: written.json)
        try writeAtomically(historyCSV(result.history), to: written.historyCSV)
        try writeAtomically(perClassCSV(result.confusion), to: written.perClassCSV)
        try writeAtomically(confusionCSV(result.confusion), to: written.confusionCSV)
        try writeAtomically(SVGCharts.trainingCurves(result.history, title: result.name), to: written.curvesSVG)
        try writeAtomically(SVGCharts.confusionMatrix(result.confusion, title: "\(result.name): confusion matrix (test)"), to: written.confusionSVG)
        return written
    }

    public static func json(_ result: RunResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(result), as: UTF8.self) + "\n"
    }

    public static func historyCSV(_ history: [EpochRecord]) -> String {
        var rows = [["epoch", "learning_rate", "train_loss", "train_accuracy", "test_accuracy", "test_mean_class_accuracy", "seconds"]]
        for r in history {
            rows.append([String(r.epoch), "\(r.learningRate)", "\(r.trainLoss)", "\(r.trainAccuracy)",
                         "\(r.testAccuracy)", "\(r.testMeanClassAccuracy)", fixed(r.seconds, decimals: 3)])
        }
        return csv(rows)
    }

    public static func perClassCSV(_ confusion: ConfusionMatrix) -> String {
        var rows = [["class", "samples", "correct", "accuracy"]]
        for (c, name) in confusion.classNames.enumerated() {
            let n = confusion.counts[c].reduce(0, +)
            rows.append([name, String(n), String(confusion.counts[c][c]), confusion.perClassAccuracy[c].map { "\($0)" } ?? ""])
        }
        return csv(rows)
    }

    /// Rows are true classes, columns predictions.
    public static func confusionCSV(_ confusion: ConfusionMatrix) -> String {
        var rows = [["true\\predicted"] + confusion.classNames]
        for (c, name) in confusion.classNames.enumerated() {
            rows.append([name] + confusion.counts[c].map(String.init))
        }
        return csv(rows)
    }

    /// RFC 4180 quoting: Layers' `CSVWriter.text`.
    public static func csv(_ rows: [[String]]) -> String { CSVWriter.text(rows) }

    static func fileSafe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }
}
