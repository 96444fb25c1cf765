import Autodiff
import Foundation
import Testing

@Suite struct LossTests {
    @Test func crossEntropyMatchesItsDefinition() {
        var rng = RandomGenerator(seed: 4)
        let logits = Tensor<Double>(randomNormal: [5, 4], std: 3, generator: &rng)
        let labels = [0, 3, 1, 1, 2]
        var expected = 0.0
        for i in 0..<5 {
            let denominator = (0..<4).reduce(0.0) { $0 + exp(logits[i, $1]) }
            expected -= log(exp(logits[i, labels[i]]) / denominator) / 5
        }
        #expect(abs(crossEntropy(logits: logits, labels: labels).scalar - expected) < 1e-12)
    }

    @Test func nllLossPicksTheLabelledColumn() {
        let logProbabilities = Tensor<Double>(shape: [2, 3], scalars: [-1, -2, -3, -4, -5, -6])
        #expect(nllLoss(logProbabilities: logProbabilities, labels: [2, 0]).scalar == 3.5)
    }

    @Test func labelRulesNameTheLossPositionAndValue() {
        #expect(throws: ShapeError("crossEntropy", "label 4 at batch position 1 is outside 0..<4 (class count)")) {
            try Shapes.classLabels([0, 4], scores: [2, 4], op: "crossEntropy")
        }
        #expect(throws: ShapeError("nllLoss", "3 labels for a batch of 2 rows (scores [2, 4])")) {
            try Shapes.classLabels([0, 1, 2], scores: [2, 4], op: "nllLoss")
        }
        #expect(throws: ShapeError("nllLoss", "scores must be [M, C], got [8]")) {
            try Shapes.classLabels([0], scores: [8], op: "nllLoss")
        }
        #expect(throws: Never.self) { try Shapes.classLabels([0, 3], scores: [2, 4], op: "nllLoss") }
    }

    /// p = softmax([0, ln 2, ln 5]) = [1, 2, 5]/8 and softmax([ln 3, 0, 0]) = [3, 1, 1]/5: every
    /// expected value below is written from these probabilities.
    static let logits = Tensor<Double>(shape: [2, 3], scalars: [0, Foundation.log(2), Foundation.log(5), Foundation.log(3), 0, 0])
    static let labels = [2, 1]

    @Test func labelSmoothingMatchesPyTorchsTargets() {
        // Row 0: −(0.7 ln(5/8) + 0.1 (ln(1/8) + ln(2/8) + ln(5/8))); row 1: −(0.7 ln(1/5) + 0.1 (ln(3/5) + 2 ln(1/5))).
        let row0 = -(0.7 * Foundation.log(5.0 / 8) + 0.1 * (Foundation.log(1.0 / 8) + Foundation.log(2.0 / 8) + Foundation.log(5.0 / 8)))
        let row1 = -(0.7 * Foundation.log(1.0 / 5) + 0.1 * (Foundation.log(3.0 / 5) + 2 * Foundation.log(1.0 / 5)))
        let smoothed = crossEntropy(logits: Self.logits, labels: Self.labels, labelSmoothing: 0.3).scalar
        #expect(abs(smoothed - (row0 + row1) / 2) < 1e-12)
        // ε = 0 is plain cross-entropy; smoothing raises the loss of a confident right answer.
        #expect(crossEntropy(logits: Self.logits, labels: Self.labels, labelSmoothing: 0).scalar
                == crossEntropy(logits: Self.logits, labels: Self.labels).scalar)
        let confident = Tensor<Double>(shape: [1, 3], scalars: [8, 0, 0])
        #expect(crossEntropy(logits: confident, labels: [0], labelSmoothing: 0.1).scalar > crossEntropy(logits: confident, labels: [0]).scalar + 0.1)
    }

    @Test func generalizedCrossEntropyMatchesItsDefinition() {
        // p_y = 5/8 and 1/5.
        let half = generalizedCrossEntropy(logits: Self.logits, labels: Self.labels, q: 0.5).scalar
        #expect(abs(half - ((1 - (5.0 / 8).squareRoot()) / 0.5 + (1 - (1.0 / 5).squareRoot()) / 0.5) / 2) < 1e-12)
        // q = 1: the mean absolute error 1 − p_y.
        let one = generalizedCrossEntropy(logits: Self.logits, labels: Self.labels, q: 1).scalar
        #expect(abs(one - ((1 - 5.0 / 8) + (1 - 1.0 / 5)) / 2) < 1e-12)
        // q → 0: cross-entropy (the gap is about q·(ln p_y)²/2).
        let ce = crossEntropy(logits: Self.logits, labels: Self.labels).scalar
        let tiny = generalizedCrossEntropy(logits: Self.logits, labels: Self.labels, q: 1e-6).scalar
        #expect(abs(tiny - ce) < 1e-5 && abs(tiny - ce) > 0)
        #expect(abs(generalizedCrossEntropy(logits: Self.logits, labels: Self.labels, q: 0.1).scalar - ce) > 1e-2)
    }

    @Test func nanInTheLogitsReachesTheLoss() {
        let logits = Tensor<Float>(shape: [2, 3], scalars: [0, 1, .nan, 2, 0, 1])
        #expect(crossEntropy(logits: logits, labels: [0, 1], labelSmoothing: 0.1).scalar.isNaN)
        #expect(generalizedCrossEntropy(logits: logits, labels: [0, 1], q: 0.7).scalar.isNaN)
        // Even when the NaN is not in a labelled column: it spoils the row's softmax.
        #expect(generalizedCrossEntropy(logits: logits, labels: [1, 1], q: 0.7).scalar.isNaN)
    }

    @Test func lossArgumentsAreChecked() {
        #expect(throws: ShapeError("crossEntropy", "labelSmoothing 1.0 is outside [0, 1)")) { try Shapes.labelSmoothing(1) }
        #expect(throws: ShapeError.self) { try Shapes.labelSmoothing(-0.1) }
        #expect(throws: ShapeError.self) { try Shapes.labelSmoothing(.nan) }
        #expect(throws: Never.self) { try Shapes.labelSmoothing(0) }
        #expect(throws: ShapeError("generalizedCrossEntropy", "q 0.0 is outside (0, 1]")) { try Shapes.generalizedCrossEntropyExponent(0) }
        #expect(throws: ShapeError.self) { try Shapes.generalizedCrossEntropyExponent(1.5) }
        #expect(throws: ShapeError.self) { try Shapes.generalizedCrossEntropyExponent(.nan) }
        #expect(throws: Never.self) { try Shapes.generalizedCrossEntropyExponent(1) }
    }

    @Test func aBadLossArgumentStopsTheLoss() async {
        await #expect(processExitsWith: .failure) {
            _ = crossEntropy(logits: Tensor<Float>(zeros: [2, 3]), labels: [0, 1], labelSmoothing: 1)
        }
        await #expect(processExitsWith: .failure) {
            _ = generalizedCrossEntropy(logits: Tensor<Float>(zeros: [2, 3]), labels: [0, 1], q: 0)
        }
    }

    @Test func aBadLabelStopsTheLoss() async {
        await #expect(processExitsWith: .failure) {
            _ = crossEntropy(logits: Tensor<Float>(zeros: [2, 3]), labels: [0, 3])
        }
    }
}
