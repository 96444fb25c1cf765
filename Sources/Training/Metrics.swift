/// Counts of (true class, predicted class) pairs, and the accuracies derived from them.
public struct ConfusionMatrix: Codable, Equatable, Sendable {
    public let classNames: [String]
    /// counts[truth][prediction]
    public private(set) var counts: [[Int]]

    public init(classNames: [String]) {
        precondition(!classNames.isEmpty, "ConfusionMatrix: no classes")
        self.classNames = classNames
        counts = Array(repeating: Array(repeating: 0, count: classNames.count), count: classNames.count)
    }

    public var classCount: Int { classNames.count }

    public mutating func add(truth: Int, prediction: Int) {
        precondition((0..<classCount).contains(truth), "ConfusionMatrix: true label \(truth) outside 0..<\(classCount)")
        precondition((0..<classCount).contains(prediction), "ConfusionMatrix: prediction \(prediction) outside 0..<\(classCount)")
        counts[truth][prediction] += 1
    }

    public mutating func add(truths: [Int], predictions: [Int]) {
        precondition(truths.count == predictions.count, "ConfusionMatrix: \(truths.count) labels but \(predictions.count) predictions")
        for (t, p) in zip(truths, predictions) { add(truth: t, prediction: p) }
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { (0..<classCount).reduce(0) { $0 + counts[$1][$1] } }

    /// Fraction of all samples predicted correctly (0 when empty).
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Recall of each class; nil for a class with no test samples.
    public var perClassAccuracy: [Double?] {
        counts.enumerated().map { c, row in
            let n = row.reduce(0, +)
            return n == 0 ? nil : Double(row[c]) / Double(n)
        }
    }

    /// The mean of the per-class accuracies over the classes that have samples.
    public var meanClassAccuracy: Double {
        let present = perClassAccuracy.compactMap { $0 }
        return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
    }

    /// An aligned text table: one row per true class, one column per prediction, with each
    /// class's accuracy at the end of its row.
    public func formattedTable() -> String {
        let rowHeader = "true \\ predicted"
        let nameWidth = max(rowHeader.count, classNames.map(\.count).max() ?? 0)
        let cellWidth = max(6, classNames.map { min($0.count, 9) }.max() ?? 0, String(counts.flatMap { $0 }.max() ?? 0).count)
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let cut = String(s.prefix(w))
            let fill = String(repeating: " ", count: w - cut.count)
            return left ? cut + fill : fill + cut
        }
        var lines: [String] = []
        lines.append(pad(rowHeader, nameWidth, left: true) + " " + classNames.map { pad($0, cellWidth) }.joined(separator: " ") + "   recall")
        for (c, row) in counts.enumerated() {
            let recall = perClassAccuracy[c].map { formatPercent($0) } ?? "-"
            lines.append(pad(classNames[c], nameWidth, left: true) + " " + row.map { pad(String($0), cellWidth) }.joined(separator: " ") + " " + pad(recall, 8))
        }
        lines.append("accuracy \(formatPercent(accuracy)) (\(correct)/\(total)), mean class accuracy \(formatPercent(meanClassAccuracy))")
        return lines.joined(separator: "\n")
    }
}

/// "81.84%" with two decimals, as the paper reports.
public func formatPercent(_ fraction: Double) -> String {
    fixed(fraction * 100, decimals: 2) + "%"
}

/// A fixed-point rendering without Foundation's locale-dependent formatters.
public func fixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (abs(value) * scale).rounded()
    let negative = value < 0 && rounded != 0
    let whole = Int(rounded / scale)
    var text = "\(negative ? "-" : "")\(whole)"
    if decimals > 0 {
        let frac = Int(rounded - Double(whole) * scale)
        let digits = String(frac)
        text += "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
    return text
}

/// The predicted class of each row of a [N, C] probability (or logit) matrix.
public func predictedClasses(_ scores: [Float], classCount: Int) -> [Int] {
    precondition(classCount > 0 && scores.count % classCount == 0, "predictedClasses: \(scores.count) scores do not split into rows of \(classCount)")
    return stride(from: 0, to: scores.count, by: classCount).map { start in
        var best = start
        for i in start..<(start + classCount) where scores[i] > scores[best] { best = i }
        return best - start
    }
}
