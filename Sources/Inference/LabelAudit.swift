import Autodiff
import FERData
import Foundation
import Layers
import LRN

/// One training sample judged by a model that did not train on it (k-fold cross-prediction).
public struct AuditRecord: Sendable, Codable, Equatable {
    public var index: Int
    public var source: String
    public var fold: Int
    public var givenLabel: Int
    /// The label before noise was injected, when known.
    public var cleanLabel: Int?
    public var predicted: Int
    /// p'(given label) (HUM, Monte-Carlo) or softmax(d)(given label) (CE objectives).
    public var givenLabelProbability: Double
    /// Σ_yy, the logit-noise variance of the given label (HUM objectives).
    public var givenLabelNoiseVariance: Double?
    /// ω_y = softmax_c δ(f, μ_c) at the given label: CLD's confidence that the features lie at the
    /// given class's centre (objectives with CLD).
    public var givenLabelCentreConfidence: Double?
    /// argmax_c ω_c, the nearest centre's class (objectives with CLD).
    public var nearestCentre: Int?
    /// The whole out-of-sample distribution (p' or softmax(d)), one value per class: what
    /// other label-noise tools (e.g. cleanlab's `pred_probs`) take as input.
    public var probabilities: [Double] = []
    /// 1 − givenLabelProbability: the ranking key, high first.
    public var suspicion: Double { 1 - givenLabelProbability }
    public var isKnownNoisy: Bool? { cleanLabel.map { $0 != givenLabel } }
}

/// Ranking training labels by how likely each is wrong, from out-of-sample predictions, and how
/// good that ranking is when the clean labels are known.
public enum LabelAudit {
    /// The fold of each of `count` samples: a seeded shuffle dealt round-robin, so fold sizes
    /// differ by at most one.
    public static func folds(count: Int, k: Int, seed: UInt64) throws -> [Int] {
        guard k >= 2, k <= count else { throw InferenceError.invalidOption("--folds must be between 2 and the number of training samples (\(count)), got \(k)") }
        var order = Array(0..<count)
        var generator = RandomGenerator(seed: Seeds.derive(seed, Seeds.Purpose.auditFolds))
        generator.shuffle(&order)
        var fold = [Int](repeating: 0, count: count)
        for (position, index) in order.enumerated() { fold[index] = position % k }
        return fold
    }

    /// The audit signals of held-out images under `model` (in evaluation mode). `positions`
    /// seed each image's Monte-Carlo draws.
    public static func records(model: ResNetLRNModel, images: [RGBImage], transform: ImageTransform, indices: [Int],
                               sources: [String], fold: Int, givenLabels: [Int], cleanLabels: [Int]?,
                               sampleCount: Int, seed: UInt64) -> [AuditRecord] {
        guard !images.isEmpty else { return [] }
        let objective = model.objective
        let head = model.head
        return Graph.withoutRecording {
            let features = model.backbone.features(transform.batch(images))
            let c = head.classCount
            var centreConfidence: [Float]?
            if objective.usesCLD {
                centreConfidence = model.cld.similarity.evaluate(features: features, centers: model.cld.centers).softmax(axis: 1).scalars
            }
            return images.indices.map { i in
                let y = givenLabels[i]
                let row = features.slice(axis: 0, range: i..<(i + 1))
                var probabilities: [Double], variance: Double?
                if objective.usesHUM {
                    var generator = RandomGenerator(seed: Seeds.derive(seed, UInt64(indices[i])))
                    let output = head(row)
                    let draws = head.draws(batchSize: 1, sampleCount: sampleCount, generator: &generator)
                    probabilities = head.scaledSampleLogits(output, draws: draws).softmax(axis: -1).mean(axis: 1).scalars.map(Double.init)
                    variance = Double(output.covariance.scalars[y * c + y])
                } else {
                    probabilities = head.fc1(row).softmax(axis: -1).scalars.map(Double.init)
                }
                let omega = centreConfidence.map { Array($0[(i * c)..<((i + 1) * c)]).map(Double.init) }
                return AuditRecord(index: indices[i], source: sources[i], fold: fold, givenLabel: y, cleanLabel: cleanLabels?[i],
                                   predicted: argmax(probabilities), givenLabelProbability: probabilities[y],
                                   givenLabelNoiseVariance: variance, givenLabelCentreConfidence: omega?[y],
                                   nearestCentre: omega.map(argmax), probabilities: probabilities)
            }
        }
    }

    /// Records sorted by suspicion, most suspicious first (ties by sample index).
    public static func ranked(_ records: [AuditRecord]) -> [AuditRecord] {
        // NaN (a broken prediction) ranks first: it must be looked at, not sorted away.
        func key(_ r: AuditRecord) -> Double { r.suspicion.isNaN ? .infinity : r.suspicion }
        return records.sorted { (key($0), -$0.index) > (key($1), -$1.index) }
    }

    /// The fraction of known-noisy labels among the first `k` of `ranked`.
    public static func precision(atK k: Int, ranked: [AuditRecord]) -> Double? {
        let top = ranked.prefix(k)
        guard !top.isEmpty, top.allSatisfy({ $0.isKnownNoisy != nil }) else { return nil }
        return Double(top.filter { $0.isKnownNoisy == true }.count) / Double(top.count)
    }

    /// Area under the ROC curve of `score` for telling known-noisy labels from clean ones: the
    /// probability that a random noisy label scores above a random clean one (ties count half).
    public static func auroc(_ records: [AuditRecord], score: (AuditRecord) -> Double) -> Double? {
        guard records.allSatisfy({ $0.isKnownNoisy != nil }) else { return nil }
        let noisy = records.filter { $0.isKnownNoisy == true }.map(score)
        let clean = records.filter { $0.isKnownNoisy == false }.map(score).sorted()
        guard !noisy.isEmpty, !clean.isEmpty else { return nil }
        var wins = 0.0
        for s in noisy {
            // Clean scores below s count 1, equal ones 1/2 (two binary searches on the sorted list).
            let below = lowerBound(clean, s), notAbove = upperBound(clean, s)
            wins += Double(below) + 0.5 * Double(notAbove - below)
        }
        return wins / (Double(noisy.count) * Double(clean.count))
    }

    /// The CSV, one row per sample in the given (ranked) order; the last columns, `p_<class>`,
    /// hold the whole out-of-sample distribution (empty when a record has none).
    public static func csv(_ ranked: [AuditRecord], classNames: [String]) -> String {
        var rows = [["rank", "index", "source", "fold", "given_label", "predicted", "suspicion", "p_given_label",
                     "noise_variance_given_label", "centre_confidence_given_label", "nearest_centre", "clean_label", "label_is_noisy"]
                    + classNames.map { "p_" + $0 }]
        for (rank, r) in ranked.enumerated() {
            precondition(r.probabilities.isEmpty || r.probabilities.count == classNames.count,
                         "LabelAudit.csv: \(r.probabilities.count) probabilities for \(classNames.count) classes")
            let fields: [String] = [String(rank + 1), String(r.index), r.source, String(r.fold), classNames[r.givenLabel], classNames[r.predicted],
                                    number(r.suspicion), number(r.givenLabelProbability), r.givenLabelNoiseVariance.map(number) ?? "",
                                    r.givenLabelCentreConfidence.map(number) ?? "", r.nearestCentre.map { classNames[$0] } ?? "",
                                    r.cleanLabel.map { classNames[$0] } ?? "", r.isKnownNoisy.map { $0 ? "1" : "0" } ?? ""]
            let distribution: [String] = r.probabilities.isEmpty ? Array(repeating: "", count: classNames.count) : r.probabilities.map(number)
            rows.append(fields + distribution)
        }
        return CSVWriter.text(rows)
    }
}

private func lowerBound(_ sorted: [Double], _ value: Double) -> Int {
    var low = 0, high = sorted.count
    while low < high { let mid = (low + high) / 2; if sorted[mid] < value { low = mid + 1 } else { high = mid } }
    return low
}

private func upperBound(_ sorted: [Double], _ value: Double) -> Int {
    var low = 0, high = sorted.count
    while low < high { let mid = (low + high) / 2; if sorted[mid] <= value { low = mid + 1 } else { high = mid } }
    return low
}
