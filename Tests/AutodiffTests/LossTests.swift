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

    @Test func aBadLabelStopsTheLoss() async {
        await #expect(processExitsWith: .failure) {
            _ = crossEntropy(logits: Tensor<Float>(zeros: [2, 3]), labels: [0, 3])
        }
    }
}
