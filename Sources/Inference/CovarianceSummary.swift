import Foundation

/// What HUM's logit covariance says about one image (Documentation/GettingStarted.md, "After
/// training", defines each number):
/// - `winningVariance`: Σ_kk, the variance of the predicted class k's logit noise (logits
///   before the temperature);
/// - `mostCorrelated`: the pair of classes (i < j) whose logit noises have the largest |ρ_ij|,
///   ρ_ij = Σ_ij / √(Σ_ii Σ_jj): the two classes the model finds hardest to tell apart;
/// - `noiseEntropy` = H(p') − H(softmax(d/T)) in nats: how much predictive entropy the noise adds
///   to that of the mean logits, and `noiseShare` = noiseEntropy / H(p'). Both need p', the
///   Monte-Carlo prediction; nil with mean-logit prediction.
public struct CovarianceSummary: Equatable, Sendable, Codable {
    public var winningVariance: Double
    public var mostCorrelated: (first: Int, second: Int, correlation: Double)?
    public var meanLogitEntropy: Double
    public var noiseEntropy: Double?
    public var noiseShare: Double?

    /// `covariance` is C×C row-major; `winning` the predicted class; `predictiveEntropy` H(p')
    /// when p' was sampled; `meanLogitProbabilities` softmax(d/T).
    public init(covariance: [Double], classCount c: Int, winning: Int, meanLogitProbabilities: [Double], predictiveEntropy: Double?) {
        precondition(covariance.count == c * c && meanLogitProbabilities.count == c && (0..<c).contains(winning),
                     "CovarianceSummary: \(covariance.count) covariance entries, \(meanLogitProbabilities.count) probabilities for \(c) classes, winning class \(winning)")
        winningVariance = covariance[winning * c + winning]
        var best: (Int, Int, Double)?
        for i in 0..<c {
            for j in (i + 1)..<max(i + 1, c) {
                let rho = covariance[i * c + j] / (covariance[i * c + i] * covariance[j * c + j]).squareRoot()
                // NaN is kept (it wins): a broken covariance must show, not vanish behind a number.
                if best == nil || rho.isNaN || abs(rho) > abs(best!.2) && !best!.2.isNaN { best = (i, j, rho) }
            }
        }
        mostCorrelated = best.map { (first: $0.0, second: $0.1, correlation: $0.2) }
        meanLogitEntropy = entropy(meanLogitProbabilities)
        if let total = predictiveEntropy {
            noiseEntropy = total - meanLogitEntropy
            noiseShare = total > 0 ? (total - meanLogitEntropy) / total : nil
        }
    }

    public static func == (a: CovarianceSummary, b: CovarianceSummary) -> Bool {
        a.winningVariance == b.winningVariance && a.mostCorrelated?.first == b.mostCorrelated?.first
            && a.mostCorrelated?.second == b.mostCorrelated?.second && a.mostCorrelated?.correlation == b.mostCorrelated?.correlation
            && a.meanLogitEntropy == b.meanLogitEntropy && a.noiseEntropy == b.noiseEntropy && a.noiseShare == b.noiseShare
    }

    enum CodingKeys: String, CodingKey {
        case winningVariance = "winning_logit_variance", correlatedFirst = "most_correlated_first", correlatedSecond = "most_correlated_second"
        case correlation = "most_correlated_rho", meanLogitEntropy = "mean_logit_entropy", noiseEntropy = "noise_entropy", noiseShare = "noise_share"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(winningVariance, forKey: .winningVariance)
        try c.encodeIfPresent(mostCorrelated?.first, forKey: .correlatedFirst)
        try c.encodeIfPresent(mostCorrelated?.second, forKey: .correlatedSecond)
        try c.encodeIfPresent(mostCorrelated?.correlation, forKey: .correlation)
        try c.encode(meanLogitEntropy, forKey: .meanLogitEntropy)
        try c.encodeIfPresent(noiseEntropy, forKey: .noiseEntropy)
        try c.encodeIfPresent(noiseShare, forKey: .noiseShare)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        winningVariance = try c.decode(Double.self, forKey: .winningVariance)
        if let i = try c.decodeIfPresent(Int.self, forKey: .correlatedFirst), let j = try c.decodeIfPresent(Int.self, forKey: .correlatedSecond),
           let rho = try c.decodeIfPresent(Double.self, forKey: .correlation) {
            mostCorrelated = (i, j, rho)
        }
        meanLogitEntropy = try c.decode(Double.self, forKey: .meanLogitEntropy)
        noiseEntropy = try c.decodeIfPresent(Double.self, forKey: .noiseEntropy)
        noiseShare = try c.decodeIfPresent(Double.self, forKey: .noiseShare)
    }
}

/// −Σ p log p in nats (0 log 0 = 0; NaN propagates).
public func entropy(_ probabilities: [Double]) -> Double {
    var h = 0.0
    for p in probabilities where p != 0 { h -= p * Foundation.log(p) }
    return h
}
