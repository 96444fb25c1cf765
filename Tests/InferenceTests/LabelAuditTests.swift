import Autodiff
import FERData
import Foundation
import LRN
@testable import Inference
import Testing

@Suite final class LabelAuditTests {
    func record(_ index: Int, p: Double, given: Int, clean: Int?) -> AuditRecord {
        AuditRecord(index: index, source: "s\(index)", fold: 0, givenLabel: given, cleanLabel: clean, predicted: 0,
                    givenLabelProbability: p, givenLabelNoiseVariance: nil, givenLabelCentreConfidence: nil, nearestCentre: nil)
    }

    @Test func foldsAreBalancedSeededAndCoverEverySample() throws {
        let f = try LabelAudit.folds(count: 10, k: 4, seed: 1)
        #expect((0..<4).map { k in f.filter { $0 == k }.count } == [3, 3, 2, 2])
        #expect(try f == LabelAudit.folds(count: 10, k: 4, seed: 1))
        #expect(try f != LabelAudit.folds(count: 10, k: 4, seed: 2))
        #expect(thrownError { _ = try LabelAudit.folds(count: 3, k: 4, seed: 0) } != nil)
        #expect(thrownError { _ = try LabelAudit.folds(count: 3, k: 1, seed: 0) } != nil)
    }

    /// Noisy labels (given ≠ clean) at suspicions 0.9 and 0.5; clean ones at 0.7, 0.5, 0.1.
    /// Pairs (noisy, clean) ranked right: 0.9 beats all 3, 0.5 beats 0.1 and ties 0.5 → (3 + 1.5)/6.
    @Test func rankingPrecisionAndAUROCByHand() {
        let records = [record(0, p: 0.1, given: 1, clean: 0), record(1, p: 0.3, given: 0, clean: 0), record(2, p: 0.5, given: 2, clean: 1),
                       record(3, p: 0.5, given: 1, clean: 1), record(4, p: 0.9, given: 2, clean: 2), record(5, p: .nan, given: 0, clean: 0)]
        let ranked = LabelAudit.ranked(Array(records.prefix(5)))
        #expect(ranked.map(\.index) == [0, 1, 2, 3, 4])  // suspicion 0.9, 0.7, 0.5, 0.5 (lower index first), 0.1
        #expect(LabelAudit.precision(atK: 2, ranked: ranked) == 0.5)
        #expect(abs((LabelAudit.auroc(ranked, score: { $0.suspicion })!) - (4.5 / 6)) <= 1e-12)
        #expect(LabelAudit.ranked(records).first?.index == 5)  // NaN first: look at it
        #expect(LabelAudit.auroc([record(0, p: 0.1, given: 1, clean: nil)], score: { $0.suspicion }) == nil)
        let csv = LabelAudit.csv(ranked, classNames: ["a", "b", "c"]).split(separator: "\n")
        #expect(csv[1].hasPrefix("1,0,s0,0,b,a,0.9,0.1,,,,a,1"), "\(String(csv[1]))")
    }

    /// With L = 0.5·I the given label's noise variance is 0.25; CLD's confidences are a
    /// softmax over −‖f − μ_c‖², so they are positive and sum to 1 over the classes.
    @Test func signalsOfAHUMCLDModel() throws {
        let model = tinyModel()
        model.head.initializeNoiseScale(0.5)
        model.isTraining = false
        let metadata = tinyMetadata()
        let images = [gradient(width: 8, height: 8, seed: 1), gradient(width: 8, height: 8, seed: 2)]
        let transform = ImageTransform(size: 8, mean: metadata.mean, std: metadata.std)
        let records = LabelAudit.records(model: model, images: images, transform: transform, indices: [4, 7], sources: ["x", "y"], fold: 1,
                                         givenLabels: [2, 0], cleanLabels: [2, 1], sampleCount: 50, seed: 3)
        #expect(records.map(\.index) == [4, 7])
        #expect(records.map(\.isKnownNoisy) == [false, true])
        for r in records {
            #expect(abs((r.givenLabelNoiseVariance!) - (0.25)) <= 1e-6)
            #expect((0...1).contains(r.givenLabelProbability))
            #expect((0...1).contains(r.givenLabelCentreConfidence!))
        }
        // The confidence at the nearest centre is the largest one.
        let features = Graph.withoutRecording { model.backbone.features(transform.batch(images)) }
        let omega = model.cld.similarity.evaluate(features: features, centers: model.cld.centers).softmax(axis: 1).scalars
        #expect(abs((Double(omega[0 * 3 + 2])) - (records[0].givenLabelCentreConfidence!)) <= 1e-6)
        #expect(records[1].nearestCentre == argmax(Array(omega[3..<6]).map(Double.init)))
    }
}
