import Autodiff
import FERData
import Foundation
import Layers
import LRN
@testable import Inference
import Testing

@Suite final class PredictionTests {
    /// A hand-computed case: Σ = [[4, 2, 0], [2, 9, −6], [0, −6, 16]], winner 1, softmax(d/T) =
    /// (1/2, 1/4, 1/4) and H(p') = log 3.
    @Test func covarianceSummaryByHand() {
        let summary = CovarianceSummary(covariance: [4, 2, 0, 2, 9, -6, 0, -6, 16], classCount: 3, winning: 1,
                                        meanLogitProbabilities: [0.5, 0.25, 0.25], predictiveEntropy: log(3.0))
        #expect(summary.winningVariance == 9)
        // ρ01 = 2/(2·3) = 1/3, ρ02 = 0, ρ12 = −6/(3·4) = −1/2: the pair (1, 2).
        #expect(summary.mostCorrelated?.first == 1)
        #expect(summary.mostCorrelated?.second == 2)
        #expect(abs((summary.mostCorrelated!.correlation) - (-0.5)) <= 1e-15)
        // H(1/2, 1/4, 1/4) = 1.5 log 2.
        #expect(abs((summary.meanLogitEntropy) - (1.5 * log(2.0))) <= 1e-15)
        #expect(abs((summary.noiseEntropy!) - (log(3.0) - 1.5 * log(2.0))) <= 1e-15)
        #expect(abs((summary.noiseShare!) - ((log(3.0) - 1.5 * log(2.0)) / log(3.0))) <= 1e-15)

        let mean = CovarianceSummary(covariance: [4, 2, 0, 2, 9, -6, 0, -6, 16], classCount: 3, winning: 0,
                                     meanLogitProbabilities: [0.5, 0.25, 0.25], predictiveEntropy: nil)
        #expect(mean.winningVariance == 4)
        #expect(mean.noiseEntropy == nil)
        #expect(mean.noiseShare == nil)
    }

    @Test func covarianceSummaryKeepsNaN() {
        let summary = CovarianceSummary(covariance: [1, .nan, .nan, 1], classCount: 2, winning: 0,
                                        meanLogitProbabilities: [0.5, 0.5], predictiveEntropy: nil)
        #expect(summary.mostCorrelated!.correlation.isNaN)
    }

    /// With FC2 at zero weights and L = 0.5·I, every image's logit noise has variance 0.25 and no
    /// correlation; p' is flatter than softmax(d/T), so the noise adds entropy.
    @Test func predictorOnAKnownCovariance() throws {
        let model = tinyModel()
        model.head.initializeNoiseScale(0.5)
        let loaded = LoadedModel(model: model, metadata: tinyMetadata(), path: "memory")
        let predictor = try Predictor(loaded, mode: .mc, sampleCount: 2000)
        let images = [gradient(width: 10, height: 12, seed: 1), gradient(width: 8, height: 8, seed: 2)]
        let inputs = [ImageInput(path: "a/joy/1.png", trueLabel: 1), ImageInput(path: "b.png")]
        let results = predictor.predict(images, inputs: inputs, positions: [0, 1], seed: 4)
        #expect(results.count == 2)
        for p in results {
            #expect(abs((p.probabilities.reduce(0, +)) - (1)) <= 1e-5)
            #expect(p.predicted == p.probabilities.indices.max { p.probabilities[$0] < p.probabilities[$1] })
            let s = try #require(p.covariance)
            #expect(abs((s.winningVariance) - (0.25)) <= 1e-6)
            #expect(abs((s.mostCorrelated!.correlation) - (0)) <= 1e-6)
            #expect(s.noiseEntropy! > 0)
        }
        // The same seed and position give the same draws whatever the batch: image 1 alone.
        let alone = predictor.predict([images[1]], inputs: [inputs[1]], positions: [1], seed: 4)
        #expect(alone[0].probabilities == results[1].probabilities)
        // Mean prediction: softmax(d/T), no sampling and no noise share.
        let mean = try Predictor(loaded, mode: .mean).predict(images, inputs: inputs, positions: [0, 1], seed: 4)
        #expect(mean[0].covariance!.noiseShare == nil)
        #expect(abs((mean[0].entropy) - (mean[0].covariance!.meanLogitEntropy)) <= 1e-12)
    }

    @Test func crossEntropyModelsHaveNoCovarianceSummary() throws {
        let metadata = tinyMetadata(objective: .crossEntropy)
        let predictor = try Predictor(LoadedModel(model: tinyModel(metadata), metadata: metadata, path: "memory"))
        let p = predictor.predict([gradient(width: 8, height: 8, seed: 1)], inputs: [ImageInput(path: "x.png")], positions: [0], seed: 0)
        #expect(p[0].covariance == nil)
        let report = PredictionReport(results: PredictionResults(predictions: p, failures: [], seconds: 1),
                                      context: PredictionContext(predictor, seed: 0))
        #expect(report.csv().split(separator: "\n")[0] == "path,true_label,predicted,confidence,entropy,p_anger,p_joy,p_calm,error")
    }
}
