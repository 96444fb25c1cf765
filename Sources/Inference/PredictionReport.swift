import Autodiff
import Foundation
import Layers

/// The files and the terminal table of a prediction run.
public struct PredictionReport {
    public var results: PredictionResults
    public var context: PredictionContext

    public init(results: PredictionResults, context: PredictionContext) {
        self.results = results
        self.context = context
    }

    var classNames: [String] { context.classNames }
    var usesHUM: Bool { context.usesHUM }

    /// One row per image, then one per failure (numbers empty, `error` filled).
    public func csv() -> String {
        let header = ["path", "true_label"] + Self.predictionHeader(classNames: classNames, usesHUM: usesHUM) + ["error"]
        var rows = [header]
        for p in results.predictions {
            rows.append([p.path, p.trueLabel.map { classNames[$0] } ?? ""] + Self.predictionCells(p, classNames: classNames, usesHUM: usesHUM) + [""])
        }
        for f in results.failures {
            rows.append([f.path] + Array(repeating: "", count: header.count - 2) + [f.message])
        }
        return CSVWriter.text(rows)
    }

    /// The CSV columns of one prediction (shared with the face report).
    static func predictionHeader(classNames: [String], usesHUM: Bool) -> [String] {
        var header = ["predicted", "confidence", "entropy"] + classNames.map { "p_" + $0 }
        if usesHUM { header += ["winning_logit_variance", "most_correlated_pair", "most_correlated_rho", "mean_logit_entropy", "noise_entropy", "noise_share"] }
        return header
    }

    static func predictionCells(_ p: ImagePrediction, classNames: [String], usesHUM: Bool) -> [String] {
        var row = [classNames[p.predicted], number(p.confidence), number(p.entropy)] + p.probabilities.map(number)
        if let s = p.covariance {
            row += [number(s.winningVariance), s.mostCorrelated.map { "\(classNames[$0.first])/\(classNames[$0.second])" } ?? "",
                    s.mostCorrelated.map { number($0.correlation) } ?? "", number(s.meanLogitEntropy),
                    s.noiseEntropy.map(number) ?? "", s.noiseShare.map(number) ?? ""]
        } else if usesHUM {
            row += Array(repeating: "", count: 6)
        }
        return row
    }

    /// Settings, model metadata, every prediction and every failure.
    public func json() throws -> String {
        struct Document: Encodable {
            var model: String
            var metadata: [String: String]
            var prediction: String
            var mcSamples: Int
            var seed: UInt64
            var imagesPerSecond: Double
            var classes: [String]
            var predictions: [ImagePrediction]
            var failures: [InputFailure]
            enum CodingKeys: String, CodingKey {
                case model, metadata, prediction, mcSamples = "mc_samples", seed, imagesPerSecond = "images_per_second", classes, predictions, failures
            }
        }
        let document = Document(model: context.modelPath, metadata: context.metadata.dictionary, prediction: context.mode.rawValue,
                                mcSamples: context.sampleCount, seed: context.seed, imagesPerSecond: results.imagesPerSecond, classes: classNames,
                                predictions: results.predictions, failures: results.failures)
        return try jsonText(document)
    }

    /// The table columns of one prediction after its image (shared with the face report).
    static let tableHeader = ["predicted", "p", "entropy"], tableHeaderHUM = ["var(winner)", "most correlated (rho)", "noise share"]

    static func tableCells(_ p: ImagePrediction, classNames: [String], usesHUM: Bool) -> [String] {
        var row = [classNames[p.predicted] + (p.isCorrect == false ? " (wrong)" : ""), fixed(p.confidence, 3), fixed(p.entropy, 3)]
        if let s = p.covariance {
            row += [fixed(s.winningVariance, 3),
                    s.mostCorrelated.map { "\(classNames[$0.first])/\(classNames[$0.second]) (\(fixed($0.correlation, 2)))" } ?? "-",
                    s.noiseShare.map { fixed($0 * 100, 1) + " %" } ?? "-"]
        } else if usesHUM {
            row += ["-", "-", "-"]
        }
        return row
    }

    /// The terminal table: at most `limit` images, then a line saying how many more.
    public func table(limit: Int = 50) -> String {
        let header = ["image", "true"] + Self.tableHeader + (usesHUM ? Self.tableHeaderHUM : [])
        var rows: [[String]] = []
        for p in results.predictions.prefix(limit) {
            rows.append([shortened(p.path), p.trueLabel.map { classNames[$0] } ?? "-"] + Self.tableCells(p, classNames: classNames, usesHUM: usesHUM))
        }
        var lines = aligned([header] + rows)
        if results.predictions.count > limit { lines.append("… and \(results.predictions.count - limit) more images (all in the CSV and JSON files)") }
        let labelled = results.predictions.filter { $0.trueLabel != nil }
        if !labelled.isEmpty {
            let correct = labelled.filter { $0.isCorrect == true }.count
            lines.append("accuracy on the \(labelled.count) images whose folder names a class: \(fixed(Double(correct) / Double(labelled.count) * 100, 2)) %")
        }
        lines.append("\(results.predictions.count) images predicted in \(fixed(results.seconds, 2)) s (\(fixed(results.imagesPerSecond, 1)) images/s)")
        if !results.failures.isEmpty {
            lines.append("\(results.failures.count) input(s) failed:")
            lines += results.failures.map { "  \($0.message.hasPrefix($0.path) ? $0.message : $0.path + ": " + $0.message)" }
        }
        return lines.joined(separator: "\n")
    }
}

/// Pretty, sorted JSON; NaN is not JSON, so it is written as the string "nan": seen, never dropped.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}

/// Full precision for the files: the shortest decimal that reads back to the same Double.
func number(_ value: Double) -> String { "\(value)" }

func fixed(_ value: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", value) }

/// The last two path components: enough to tell images apart in a table.
func shortened(_ path: String) -> String {
    let parts = path.split(separator: "/")
    return parts.suffix(2).joined(separator: "/")
}

/// Columns padded to their widest cell.
func aligned(_ rows: [[String]]) -> [String] {
    guard let columns = rows.map(\.count).max() else { return [] }
    var widths = [Int](repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return rows.map { row in
        row.enumerated().map { $0.element + String(repeating: " ", count: widths[$0.offset] - $0.element.count) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
}

extension PredictionReport {
    /// Writes the CSV and JSON files (each atomically).
    public func write(csv csvURL: URL, json jsonURL: URL) throws {
        try writeAtomically(csv(), to: csvURL)
        try writeAtomically(try json(), to: jsonURL)
    }
}
