import Autodiff
import Foundation

/// How synthetic label noise is injected into training labels (the test set is never touched:
/// these functions only ever see the labels they are given, which must be the training ones).
public enum NoiseMode: Equatable, Sendable {
    /// The paper's: in each class, exactly round(fraction · n_c) samples (chosen at random) get a
    /// label drawn uniformly from the other classes. Rounding is to nearest, halves away from
    /// zero (Swift's `rounded()`), so 10 % of 15 samples flips 2 and of 25 flips 3.
    case exactFraction(Double)
    /// SCN's script: each sample independently, with this probability, gets a label drawn
    /// uniformly from the other classes (so the realised fraction varies around it).
    case perSampleProbability(Double)
    /// Class-dependent flips: in each source class a, exactly round(fraction · n_a) samples get
    /// the named partner b. Pairs are (source, target) labels.
    case pairFlips(pairs: [ClassPair], fraction: Double)

    public struct ClassPair: Equatable, Sendable {
        public let from: Int, to: Int
        public init(from: Int, to: Int) { self.from = from; self.to = to }
    }
}

/// Noisy labels and the noise that was actually realised.
public struct NoisyLabels: Sendable {
    public let labels: [Int]
    public let matrix: NoiseMatrix
    /// Indices whose label was changed.
    public let flippedIndices: [Int]
}

/// Counts of (clean label, noisy label) pairs: row = clean, column = noisy.
public struct NoiseMatrix: Equatable, Sendable {
    public let classNames: [String]
    public let counts: [[Int]]

    public init(classNames: [String], clean: [Int], noisy: [Int]) {
        precondition(clean.count == noisy.count, "NoiseMatrix: \(clean.count) clean and \(noisy.count) noisy labels")
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classNames.count), count: classNames.count)
        for (c, n) in zip(clean, noisy) { counts[c][n] += 1 }
        self.classNames = classNames
        self.counts = counts
    }

    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var flipped: Int { total - counts.indices.reduce(0) { $0 + counts[$1][$1] } }
    /// The fraction of labels that differ from the clean ones.
    public var noiseRate: Double { total == 0 ? 0 : Double(flipped) / Double(total) }

    /// The matrix as CSV: a header "clean\noisy,<names>", one row per clean class.
    public var csv: String {
        var lines = ["clean\\noisy," + classNames.joined(separator: ",")]
        for (i, row) in counts.enumerated() {
            lines.append(([classNames[i]] + row.map(String.init)).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func save(csvPath: String) throws { try writeAtomically(csv, to: URL(fileURLWithPath: csvPath)) }

    /// An aligned table for the terminal, with each clean class's realised noise rate.
    public var table: String {
        let width = max(6, (classNames.map(\.count).max() ?? 0) + 1, String(counts.flatMap { $0 }.max() ?? 0).count + 1)
        func pad(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var lines = ["Realised label noise (rows: clean label, columns: noisy label)",
                     pad("") + classNames.map(pad).joined() + pad("noise")]
        for (i, row) in counts.enumerated() {
            let n = row.reduce(0, +)
            let rate = n == 0 ? 0 : Double(n - row[i]) / Double(n)
            lines.append(pad(classNames[i]) + row.map { pad(String($0)) }.joined() + pad(String(format: "%.1f%%", 100 * rate)))
        }
        lines.append("overall: \(flipped) of \(total) labels changed (\(String(format: "%.2f", 100 * noiseRate)) %)")
        return lines.joined(separator: "\n")
    }
}

public enum LabelNoise {
    /// Injects noise into training labels (0-based, each < classNames.count) with a seed.
    public static func inject(trainingLabels clean: [Int], classNames: [String], mode: NoiseMode,
                              seed: UInt64) throws -> NoisyLabels {
        let classCount = classNames.count
        guard classCount >= 2 else { throw FERDataError.invalidValue("label noise needs at least 2 classes, got \(classCount)") }
        if let bad = clean.firstIndex(where: { !(0..<classCount).contains($0) }) {
            throw FERDataError.invalidValue("label noise: label \(clean[bad]) of sample \(bad) out of range 0...\(classCount - 1)")
        }
        var generator = RandomGenerator(seed: seed)
        var noisy = clean
        var byClass = [[Int]](repeating: [], count: classCount)
        for (i, label) in clean.enumerated() { byClass[label].append(i) }

        /// A label drawn uniformly from the classes other than `label`.
        func otherClass(than label: Int) -> Int {
            let r = generator.int(below: classCount - 1)
            return r >= label ? r + 1 : r
        }
        /// Exactly round(fraction · n) random members of a class.
        func chosen(_ members: [Int], fraction: Double) -> [Int] {
            var shuffled = members
            generator.shuffle(&shuffled)
            return Array(shuffled.prefix(flipCount(classSize: members.count, fraction: fraction)))
        }

        switch mode {
        case let .exactFraction(fraction):
            try checkFraction(fraction, name: "noise fraction")
            for c in 0..<classCount {
                for i in chosen(byClass[c], fraction: fraction) { noisy[i] = otherClass(than: c) }
            }
        case let .perSampleProbability(probability):
            try checkFraction(probability, name: "noise probability")
            for i in clean.indices where generator.uniform() < probability { noisy[i] = otherClass(than: clean[i]) }
        case let .pairFlips(pairs, fraction):
            try checkFraction(fraction, name: "pair-flip fraction")
            try checkPairs(pairs, classNames: classNames)
            for pair in pairs {
                for i in chosen(byClass[pair.from], fraction: fraction) { noisy[i] = pair.to }
            }
        }
        let flipped = clean.indices.filter { clean[$0] != noisy[$0] }
        return NoisyLabels(labels: noisy, matrix: NoiseMatrix(classNames: classNames, clean: clean, noisy: noisy),
                           flippedIndices: flipped)
    }

    /// How many of a class's n samples an exact fraction flips: round(fraction · n), halves away from zero.
    public static func flipCount(classSize n: Int, fraction: Double) -> Int {
        min(n, Int((fraction * Double(n)).rounded()))
    }

    /// Parses "disgust:anger,anger:disgust" (class names, any case) into label pairs. Errors name
    /// the offending piece and the known classes.
    public static func parsePairs(_ spec: String, classNames: [String]) throws -> [NoiseMode.ClassPair] {
        let pieces = spec.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !spec.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw FERDataError.invalidValue("empty pair list; expected source:target pairs such as \"disgust:anger,anger:disgust\"")
        }
        var pairs: [NoiseMode.ClassPair] = []
        for piece in pieces {
            let names = piece.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard names.count == 2, !names[0].isEmpty, !names[1].isEmpty else {
                throw FERDataError.invalidValue("malformed pair \"\(piece)\" in \"\(spec)\"; expected source:target such as disgust:anger")
            }
            guard let from = ExpressionClasses.index(of: names[0], in: classNames) else {
                throw FERDataError.unknownClassName(name: names[0], in: spec, known: classNames)
            }
            guard let to = ExpressionClasses.index(of: names[1], in: classNames) else {
                throw FERDataError.unknownClassName(name: names[1], in: spec, known: classNames)
            }
            pairs.append(NoiseMode.ClassPair(from: from, to: to))
        }
        try checkPairs(pairs, classNames: classNames)
        return pairs
    }

    static func checkPairs(_ pairs: [NoiseMode.ClassPair], classNames: [String]) throws {
        guard !pairs.isEmpty else { throw FERDataError.invalidValue("pair-flip noise needs at least one source:target pair") }
        var sources = Set<Int>()
        for pair in pairs {
            guard classNames.indices.contains(pair.from), classNames.indices.contains(pair.to) else {
                throw FERDataError.invalidValue("pair \(pair.from):\(pair.to) names a label outside 0...\(classNames.count - 1)")
            }
            guard pair.from != pair.to else {
                throw FERDataError.invalidValue("pair \(classNames[pair.from]):\(classNames[pair.to]) maps a class to itself")
            }
            guard sources.insert(pair.from).inserted else {
                throw FERDataError.invalidValue("class \(classNames[pair.from]) is the source of two pairs; give each class one partner")
            }
        }
    }

    static func checkFraction(_ value: Double, name: String) throws {
        guard value.isFinite, (0...1).contains(value) else {
            throw FERDataError.invalidValue("\(name) \(value) out of range; expected 0...1 (e.g. 0.3 for 30 %)")
        }
    }
}
