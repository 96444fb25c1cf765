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
            // The whole distribution is kept (for cleanlab and the sheet), consistent with p'(given).
            #expect(r.probabilities.count == 3 && abs(r.probabilities.reduce(0, +) - 1) <= 1e-5)
            #expect(r.probabilities[r.givenLabel] == r.givenLabelProbability)
        }
        // The confidence at the nearest centre is the largest one.
        let features = Graph.withoutRecording { model.backbone.features(transform.batch(images)) }
        let omega = model.cld.similarity.evaluate(features: features, centers: model.cld.centers).softmax(axis: 1).scalars
        #expect(abs((Double(omega[0 * 3 + 2])) - (records[0].givenLabelCentreConfidence!)) <= 1e-6)
        #expect(records[1].nearestCentre == argmax(Array(omega[3..<6]).map(Double.init)))
    }

    /// The CSV ends with one p_<class> column per class; records without a distribution leave them empty.
    @Test func csvCarriesTheDistribution() {
        var a = record(0, p: 0.25, given: 1, clean: 0)
        a.probabilities = [0.5, 0.25, 0.25]
        let lines = LabelAudit.csv([a, record(1, p: 0.9, given: 0, clean: 0)], classNames: ["a", "b", "c"]).split(separator: "\n")
        #expect(lines[0].hasSuffix(",clean_label,label_is_noisy,p_a,p_b,p_c"))
        #expect(lines[1].hasSuffix(",a,1,0.5,0.25,0.25"))
        #expect(lines[2].hasSuffix(",a,0,,,"))
    }

    /// The audit sheet: rows of the top suspects in rank order, given label first (a * for a
    /// label known to be wrong), red when the prediction disagrees; files kept unless overwrite.
    @Test func auditSheetOfTheTopSuspects() throws {
        let folder = TemporaryFolder()
        var records: [AuditRecord] = []
        for i in 0..<5 {
            var r = record(i, p: 0.1 * Double(i + 1), given: i % 3, clean: i == 0 ? 2 : i % 3)
            r.predicted = (i + 1) % 3
            r.probabilities = [0.2, 0.3, 0.5]
            records.append(r)
        }
        let ranked = LabelAudit.ranked(records)
        let rows = AuditSheet.rows(ranked, classNames: ["a", "b", "c"], count: 4, perRow: 3)
        #expect(rows.map(\.title) == ["suspects 1-3", "suspects 4-4"])
        #expect(rows[0].entries.map(\.prediction.path) == ["s0", "s1", "s2"])
        #expect(rows[0].entries[0].firstLine == "G:a*" && rows[0].entries[1].firstLine == "G:b")
        #expect(rows[0].entries.allSatisfy { !$0.right })
        let base = folder.url.appendingPathComponent(AuditSheet.baseName)
        var drawn: [String] = []
        let files = try AuditSheet.write(ranked, classNames: ["a", "b", "c"], to: base, count: 4, perRow: 3, overwrite: false) {
            drawn.append($0.source)
            return gradient(width: 20, height: 20, seed: $0.index)
        }
        #expect(drawn == ["s0", "s1", "s2", "s3"])
        let png = try ImageCodec.load(path: files.png.path)
        #expect(png.width == max(8 * 2 + 3 * 96 + 2 * 8, 8 * 2 + BitmapFont.width(of: AuditSheet.title(knownNoise: true))))
        #expect(try String(contentsOf: files.svg, encoding: .utf8).contains("G:a*"))
        #expect(thrownError { try AuditSheet.write(ranked, classNames: ["a", "b", "c"], to: base, overwrite: false) { _ in gradient(width: 4, height: 4, seed: 0) } }
                    as? InferenceError == .wouldOverwrite(path: files.png.path))
        var bare = records
        bare[0].probabilities = []
        #expect(thrownError { try AuditSheet.write(LabelAudit.ranked(bare), classNames: ["a", "b", "c"], to: base, overwrite: true) { _ in gradient(width: 4, height: 4, seed: 0) } } != nil)
    }
}
