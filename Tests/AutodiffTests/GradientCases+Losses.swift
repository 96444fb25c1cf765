import Autodiff

extension GradientCases {
    static var losses: [GradientCase] { GradientCase.pair(losses(Double.self), losses(Float.self)) }

    /// Autodiff's classification losses (Losses.swift): every reduction path, labels repeated
    /// and missing, large logits, and C = 1 (a lone class has a zero gradient); label smoothing
    /// and generalised cross-entropy at the ends of their ranges.
    static func losses<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var r = CaseInputs(seed: 61)
        let logits = r.normal([5, 4]), large = r.normal([3, 7], scale: 30), single = r.normal([3, 1])
        let logProbabilities = logits.logSoftmax(axis: -1)
        let labels = [0, 3, 1, 1, 2], repeated = [2, 2, 2], zeros = [0, 0, 0]
        return [
            Case("crossEntropy [5,4]", covers: [.logSoftmax, .gather], inputs: [logits]) { crossEntropy(logits: $0[0], labels: labels) },
            Case("crossEntropy large-logits one-class-repeated", covers: [.logSoftmax, .gather], inputs: [large]) {
                crossEntropy(logits: $0[0], labels: repeated)
            },
            Case("crossEntropy single-class", covers: [.logSoftmax, .gather], inputs: [single]) { crossEntropy(logits: $0[0], labels: zeros) },
            Case("nllLoss of log-probabilities", covers: [.gather], inputs: [logProbabilities]) {
                nllLoss(logProbabilities: $0[0], labels: labels)
            },
            Case("nllLoss composed with logSoftmax and a weight", covers: [.logSoftmax, .gather], inputs: [logits]) {
                nllLoss(logProbabilities: ($0[0] * 2).logSoftmax(axis: 1), labels: labels) * 0.5
            },
            Case("crossEntropy labelSmoothing 0.1 [5,4]", covers: [.logSoftmax, .gather], inputs: [logits]) {
                crossEntropy(logits: $0[0], labels: labels, labelSmoothing: 0.1)
            },
            Case("crossEntropy labelSmoothing 0.9 large-logits", covers: [.logSoftmax, .gather], inputs: [large]) {
                crossEntropy(logits: $0[0], labels: repeated, labelSmoothing: 0.9)
            },
            Case("generalizedCrossEntropy q 0.7 [5,4]", covers: [.logSoftmax, .gather, .unary(.exp)], inputs: [logits]) {
                generalizedCrossEntropy(logits: $0[0], labels: labels, q: 0.7)
            },
            Case("generalizedCrossEntropy q 1 (mean absolute error)", covers: [.logSoftmax, .gather, .unary(.exp)], inputs: [logits]) {
                generalizedCrossEntropy(logits: $0[0], labels: labels, q: 1)
            },
            Case("generalizedCrossEntropy q 0.05 large-logits", covers: [.logSoftmax, .gather, .unary(.exp)], inputs: [large]) {
                generalizedCrossEntropy(logits: $0[0], labels: repeated, q: 0.05)
            },
        ]
    }
}
