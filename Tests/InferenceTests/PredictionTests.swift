import Autodiff
import FERData
import Foundation
import Layers
import LRN
@testable import Inference
import XCTest

final class PredictionTests: XCTestCase {
    /// A hand-computed case: Σ = [[4, 2, 0], [2, 9, −6], [0, −6, 16]], winner 1, softmax(d/T) =
    /// (1/2, 1/4, 1/4) and H(p') = log 3.
    func testCovarianceSummaryByHand() {
        let summary = CovarianceSummary(covariance: [4, 2, 0, 2, 9, -6, 0, -6, 16], classCount: 3, winning: 1,
                                        meanLogitProbabilities: [0.5, 0.25, 0.25], predictiveEntropy: log(3.0))
        XCTAssertEqual(summary.winningVariance, 9)
        // ρ01 = 2/(2·3) = 1/3, ρ02 = 0, ρ12 = −6/(3·4) = −1/2: the pair (1, 2).
        XCTAssertEqual(summary.mostCorrelated?.first, 1)
        XCTAssertEqual(summary.mostCorrelated?.second, 2)
        XCTAssertEqual(summary.mostCorrelated!.correlation, -0.5, accuracy: 1e-15)
        // H(1/2, 1/4, 1/4) = 1.5 log 2.
        XCTAssertEqual(summary.meanLogitEntropy, 1.5 * log(2.0), accuracy: 1e-15)
        XCTAssertEqual(summary.noiseEntropy!, log(3.0) - 1.5 * log(2.0), accuracy: 1e-15)
        XCTAssertEqual(summary.noiseShare!, (log(3.0) - 1.5 * log(2.0)) / log(3.0), accuracy: 1e-15)

        let mean = CovarianceSummary(covariance: [4, 2, 0, 2, 9, -6, 0, -6, 16], classCount: 3, winning: 0,
                                     meanLogitProbabilities: [0.5, 0.25, 0.25], predictiveEntropy: nil)
        XCTAssertEqual(mean.winningVariance, 4)
        XCTAssertNil(mean.noiseEntropy)
        XCTAssertNil(mean.noiseShare)
    }

    func testCovarianceSummaryKeepsNaN() {
        let summary = CovarianceSummary(covariance: [1, .nan, .nan, 1], classCount: 2, winning: 0,
                                        meanLogitProbabilities: [0.5, 0.5], predictiveEntropy: nil)
        XCTAssertTrue(summary.mostCorrelated!.correlation.isNaN)
    }

    /// With FC2 at zero weights and L = 0.5·I, every image's logit noise has variance 0.25 and no
    /// correlation; p' is flatter than softmax(d/T), so the noise adds entropy.
    func testPredictorOnAKnownCovariance() throws {
        let model = tinyModel()
        model.head.initializeNoiseScale(0.5)
        let loaded = LoadedModel(model: model, metadata: tinyMetadata(), path: "memory")
        let predictor = try Predictor(loaded, mode: .mc, sampleCount: 2000)
        let images = [gradient(width: 10, height: 12, seed: 1), gradient(width: 8, height: 8, seed: 2)]
        let inputs = [ImageInput(path: "a/joy/1.png", trueLabel: 1), ImageInput(path: "b.png")]
        let results = predictor.predict(images, inputs: inputs, positions: [0, 1], seed: 4)
        XCTAssertEqual(results.count, 2)
        for p in results {
            XCTAssertEqual(p.probabilities.reduce(0, +), 1, accuracy: 1e-5)
            XCTAssertEqual(p.predicted, p.probabilities.indices.max { p.probabilities[$0] < p.probabilities[$1] })
            let s = try XCTUnwrap(p.covariance)
            XCTAssertEqual(s.winningVariance, 0.25, accuracy: 1e-6)
            XCTAssertEqual(s.mostCorrelated!.correlation, 0, accuracy: 1e-6)
            XCTAssertGreaterThan(s.noiseEntropy!, 0)
        }
        // The same seed and position give the same draws whatever the batch: image 1 alone.
        let alone = predictor.predict([images[1]], inputs: [inputs[1]], positions: [1], seed: 4)
        XCTAssertEqual(alone[0].probabilities, results[1].probabilities)
        // Mean prediction: softmax(d/T), no sampling and no noise share.
        let mean = try Predictor(loaded, mode: .mean).predict(images, inputs: inputs, positions: [0, 1], seed: 4)
        XCTAssertNil(mean[0].covariance!.noiseShare)
        XCTAssertEqual(mean[0].entropy, mean[0].covariance!.meanLogitEntropy, accuracy: 1e-12)
    }

    func testCrossEntropyModelsHaveNoCovarianceSummary() throws {
        let metadata = tinyMetadata(objective: .crossEntropy)
        let predictor = try Predictor(LoadedModel(model: tinyModel(metadata), metadata: metadata, path: "memory"))
        let p = predictor.predict([gradient(width: 8, height: 8, seed: 1)], inputs: [ImageInput(path: "x.png")], positions: [0], seed: 0)
        XCTAssertNil(p[0].covariance)
        let report = PredictionReport(results: PredictionResults(predictions: p, failures: [], seconds: 1), metadata: metadata,
                                      modelPath: "m", mode: .mc, sampleCount: 1, seed: 0)
        XCTAssertEqual(report.csv().split(separator: "\n")[0], "path,true_label,predicted,confidence,entropy,p_anger,p_joy,p_calm,error")
    }
}
