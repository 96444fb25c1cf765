@testable import Autodiff

extension GradientCases {
    /// Autodiff's classification losses (Losses.swift): every reduction path, labels repeated
    /// and missing, large logits, and C = 1 (a lone class has a zero gradient).
    static var losses: [GradientCase] {
        var r = CaseInputs(seed: 61)
        let logits = r.normal([5, 4]), large = r.normal([3, 7], scale: 30), single = r.normal([3, 1])
        let logProbabilities = logits.logSoftmax(axis: -1)
        let labels = [0, 3, 1, 1, 2], repeated = [2, 2, 2], zeros = [0, 0, 0]
        return [
            GradientCase(op: "crossEntropy [5,4]", inputs: [logits],
                         float32: { crossEntropy(logits: $0[0], labels: labels) }) { crossEntropy(logits: $0[0], labels: labels) },
            GradientCase(op: "crossEntropy large-logits one-class-repeated", inputs: [large],
                         float32: { crossEntropy(logits: $0[0], labels: repeated) }) { crossEntropy(logits: $0[0], labels: repeated) },
            GradientCase(op: "crossEntropy single-class", inputs: [single],
                         float32: { crossEntropy(logits: $0[0], labels: zeros) }) { crossEntropy(logits: $0[0], labels: zeros) },
            GradientCase(op: "nllLoss of log-probabilities", inputs: [logProbabilities],
                         float32: { nllLoss(logProbabilities: $0[0], labels: labels) }) { nllLoss(logProbabilities: $0[0], labels: labels) },
            GradientCase(op: "nllLoss composed with logSoftmax and a weight", inputs: [logits],
                         float32: { nllLoss(logProbabilities: ($0[0] * 2).logSoftmax(axis: 1), labels: labels) * 0.5 }) {
                nllLoss(logProbabilities: ($0[0] * 2).logSoftmax(axis: 1), labels: labels) * 0.5
            },
        ]
    }
}
