import Autodiff
import Foundation
import Inference
import Layers
import LRN
import Testing
@testable import Training
@testable import Experiments

@Suite("Baselines and ablations studies")
struct BaselineStudyTests {
    /// The settings a study's cell trains with: the flags' defaults, the study's base, the cell's change.
    static func settings(_ study: Study, _ cell: String) throws -> ExperimentSettings {
        var s = try ExperimentSettings.resolve(try ExperimentOptions.parse([]), dataset: .rafDB)
        study.base(&s)
        try #require(study.cells.first { $0.name == cell }).adjust(&s)
        return s
    }

    static func model(_ study: Study, _ cell: String, classCount: Int = 7) throws -> AnyTrainableModel {
        try #require(study.cells.first { $0.name == cell }).makeModel(try settings(study, cell), classCount: classCount)
    }

    static func images(_ count: Int, seed: UInt64) -> Tensor<Float> {
        var g = RandomGenerator(seed: seed)
        return Tensor(randomNormal: [count, 3, 32, 32], generator: &g)
    }

    @Test("the quick baselines study trains CE, label smoothing, GCE and LRN at every seed and writes the summary, table and charts")
    func baselinesEndToEnd() throws {
        let options = try StudyTests.dataOptions()
        let study = try #require(Study.named("baselines", scale: .quick))
        #expect(Study.names.contains("baselines") && Study.names.contains("ablations"))
        let output = try temporaryFolder("study-baselines")
        let runs = try StudyRunner.run(study, options: options, output: output, resume: false, overwrite: false,
                                       progress: ProgressDisplay(style: .silent))
        #expect(runs.count == 4 * study.seeds.count)
        #expect(Set(runs.map(\.method)) == ["ce", "ce+ls0.1", "gce0.7", "hum+cld"])
        for run in runs { #expect(run.result.finalTestAccuracy.isFinite && run.result.history.count == 1) }
        #expect(runs.first { $0.cell == "ce+ls 0.1" }?.result.settings["loss"] == "cross-entropy, label smoothing 0.1")
        #expect(runs.first { $0.cell == "ce" }?.result.settings["loss"] == nil)

        let table = try StudyReport.write(runs, study: study, scale: .quick, output: output)
        #expect(table.rows.map { $0[0] } == ["ce", "ce+ls 0.1", "gce q 0.7", "lrn"])
        #expect(table.rows.allSatisfy { $0[1] == String(study.seeds.count) && $0[2].contains("±") })
        let summary = try String(contentsOf: output.appendingPathComponent("baselines-summary.csv"), encoding: .utf8)
        #expect(summary.contains("gce q 0.7") && summary.contains("ce+ls 0.1"))
        let curves = try String(contentsOf: output.appendingPathComponent("baselines-curves.svg"), encoding: .utf8)
        #expect(curves.contains("gce q 0.7") && curves.contains("ce+ls 0.1"))
        for file in ["baselines-runs.csv", "baselines-runs.json", "baselines-final.svg", "gce-q-0.7/seed-1/run.json", "ce-ls-0.1/seed-0/run.json"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(file).path), "\(file) missing")
        }
        let gceFolder = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("gce-q-0.7/seed-0").path)
        #expect(gceFolder.contains { $0.hasSuffix("-results.json") } && gceFolder.contains { $0.hasSuffix("-confusion.svg") })
        // --resume reads them back as they were: the loss is part of what a run is checked against.
        let again = try StudyRunner.run(study, options: options, output: output, resume: true, overwrite: false, progress: ProgressDisplay(style: .silent))
        #expect(again == runs)
    }

    @Test("the quick ablations study trains every cell once and reports them")
    func ablationsEndToEnd() throws {
        let options = try StudyTests.dataOptions()
        var study = try #require(Study.named("ablations", scale: .quick))
        study.seeds = [4]
        let output = try temporaryFolder("study-ablations")
        let runs = try StudyRunner.run(study, options: options, output: output, resume: false, overwrite: false,
                                       progress: ProgressDisplay(style: .silent))
        #expect(runs.map(\.cell) == study.cells.map(\.name))
        #expect(runs.allSatisfy { $0.method == "hum+cld" && $0.result.finalTestAccuracy.isFinite })
        // Each cell's changed setting is in its run's record, so --resume cannot mix them up.
        let recorded = Dictionary(uniqueKeysWithValues: runs.map { ($0.cell, $0.result.settings) })
        #expect(recorded["T 0.35"]?["temperature"] == "0.35" && recorded["lrn"]?["temperature"] == "0.7")
        #expect(recorded["S 1000"]?["mc_samples"] == "1000")
        #expect(recorded["hum-init 0.01"]?["hum_init_scale"] == "0.01")
        #expect(recorded["lambda 3"]?["lambda"] == "3.0")
        #expect(recorded["centres 10"]?["cld_center_scale"] == "10.0" && recorded["lrn"]?["cld_center_scale"] == nil)
        let table = try StudyReport.write(runs, study: study, scale: .quick, output: output)
        #expect(table.rows.map { $0[0] } == study.cells.map(\.name))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("ablations-final.svg").path))
    }

    @Test("label smoothing and GCE start from the CE cell's weights and train with their own loss on the same logits")
    func baselineCellsChangeOnlyTheLoss() throws {
        let study = try #require(Study.named("baselines", scale: .quick))
        let ce = try Self.model(study, "ce"), smoothed = try Self.model(study, "ce+ls 0.1"), gce = try Self.model(study, "gce q 0.7")
        #expect(ce.namedParameters.map(\.name) == smoothed.namedParameters.map(\.name))
        for (a, b) in zip(ce.namedParameters, gce.namedParameters) { #expect(a.tensor.scalars == b.tensor.scalars, "\(a.name)") }

        let images = Self.images(6, seed: 3), labels = [0, 1, 2, 3, 4, 5]
        var g = RandomGenerator(seed: 0)
        let logits = try #require(smoothed.base as? BaselineLossModel).logits(images)
        let ceLoss = ce.trainingStep(images: images, labels: labels, generator: &g).loss.scalar
        let smoothedLoss = smoothed.trainingStep(images: images, labels: labels, generator: &g).loss.scalar
        let gceLoss = gce.trainingStep(images: images, labels: labels, generator: &g).loss.scalar
        #expect(abs(ceLoss - crossEntropy(logits: logits, labels: labels).scalar) < 1e-5)
        #expect(abs(smoothedLoss - crossEntropy(logits: logits, labels: labels, labelSmoothing: 0.1).scalar) < 1e-5)
        #expect(abs(gceLoss - generalizedCrossEntropy(logits: logits, labels: labels, q: 0.7).scalar) < 1e-5)
        #expect(abs(smoothedLoss - ceLoss) > 1e-3 && abs(gceLoss - ceLoss) > 1e-3)
        // The gradient reaches the backbone and FC1 through the new loss.
        smoothed.trainingStep(images: images, labels: labels, generator: &g).loss.backward()
        let model = try #require(smoothed.base as? BaselineLossModel)
        #expect(model.model.head.fc1.weight.grad != nil && model.model.backbone.parameters.first?.grad != nil)
        #expect(smoothed.architectureSummary.contains("label smoothing 0.1"))
    }

    @Test("each ablation cell's setting reaches the model, and T reaches HUM's objective")
    func ablationSettingsReachTheModel() throws {
        let study = try #require(Study.named("ablations", scale: .full))
        func lrn(_ cell: String) throws -> ModelFactory.Model { try #require(try Self.model(study, cell).base as? ModelFactory.Model) }
        let reference = try lrn("lrn")
        #expect(reference.head.temperature == 0.7 && reference.cldWeight == 1)
        #expect(try lrn("T 0.35").head.temperature == 0.35 && lrn("T 1.4").head.temperature == 1.4)
        let few = try lrn("S 10")
        #expect(few.head.trainingSampleCount == 10 && few.head.evaluationSampleCount == reference.head.evaluationSampleCount)
        #expect(try lrn("S 1000").head.trainingSampleCount == 1000)
        #expect(try lrn("lambda 0.3").cldWeight == 0.3 && lrn("lambda 3").cldWeight == 3)
        // HUM's initial noise: FC2's weights at 0, its bias setting L(x) = scale·I.
        #expect(reference.head.fc2.weight.scalars.allSatisfy { $0 == 0 })
        for cell in ["hum-init 0.01", "hum-init 1"] {
            #expect(try lrn(cell).head.fc2.weight.scalars.allSatisfy { $0 == 0 })
            #expect(try lrn(cell).head.fc2.bias!.scalars != reference.head.fc2.bias!.scalars, "\(cell)")
        }
        // The centres: the same draw, scaled.
        for (cell, scale) in [("centres 0.1", Float(0.1)), ("centres 10", 10)] {
            let scaled = try lrn(cell).cld.centers.scalars
            #expect(zip(scaled, reference.cld.centers.scalars).allSatisfy { abs($0 - scale * $1) <= 1e-6 * max(1, abs($0)) }, "\(cell)")
        }

        // T in the loss: the same weights and draws, another temperature, another L_cls.
        let hot = try lrn("T 1.4")
        var g = RandomGenerator(seed: 9)
        let features = Graph.withoutRecording { reference.backbone.features(Self.images(5, seed: 1)) }
        let draws = reference.head.draws(batchSize: 5, generator: &g)
        let labels = [0, 1, 2, 3, 4]
        let a = reference.loss(features: features, labels: labels, draws: draws).classification.scalar
        let b = hot.loss(features: features, labels: labels, draws: draws).classification.scalar
        #expect(a.isFinite && b.isFinite && abs(a - b) > 1e-4)
    }

    @Test("a baseline loss offered as a custom method trains with --method beside CE, with its row, reports and checkpoint")
    func baselineLossThroughTheExamplesRunner() throws {
        let data = try #require(try StudyTests.dataOptions().data)
        let output = try temporaryFolder("runner-baseline-loss").path
        let gce = BaselineLoss.generalizedCrossEntropy(q: 0.7).customMethod
        let options = try ExperimentOptions.parse(["--data", data, "--method", "ce,gce0.7", "--epochs", "1", "--backbone", "small",
                                                   "--image-size", "32", "--batch-size", "16", "--output", output])
        let settings = try ExperimentSettings.resolve(options, dataset: .rafDB, customMethods: [gce.name])
        let results = try ExperimentRunner.run(settings, progress: ProgressDisplay(style: .silent), build: ModelFactory.build, customMethods: [gce])
        #expect(Set(results.keys) == [.ce, MethodName("gce0.7")])
        #expect(results[MethodName("gce0.7")]?.settings["loss"] == "generalised cross-entropy (q = 0.7)")
        let comparison = try String(contentsOfFile: output + "/comparison.csv", encoding: .utf8)
        #expect(comparison.contains("GCE q = 0.7"))
        // The model file is the CE model's: it predicts softmax(FC1), as the GCE run was evaluated.
        for file in ["gce0.7/checkpoint.safetensors", "gce0.7/gce0-7-curves.svg", "gce0.7/contact-sheet.svg", "gce0.7/model.safetensors", "comparison.svg"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file), "\(file) missing")
        }
        #expect(try ModelFile.load(from: URL(fileURLWithPath: output + "/gce0.7/model.safetensors")).metadata.objective == .crossEntropy)
    }

    @Test("--cld-center-scale scales the centres' draw, is checked, and enters the fingerprint only when changed")
    func cldCenterScaleFlag() throws {
        let plain = try ExperimentSettings.resolve(try ExperimentOptions.parse([]), dataset: .rafDB)
        let half = try ExperimentSettings.resolve(try ExperimentOptions.parse(["--cld-center-scale", "0.5"]), dataset: .rafDB)
        #expect(plain.cldCenterScale == 1 && half.cldCenterScale == 0.5)
        let a = ModelFactory.make(method: .humCLD, settings: plain, classCount: 7).cld.centers.scalars
        let b = ModelFactory.make(method: .humCLD, settings: half, classCount: 7).cld.centers.scalars
        #expect(zip(a, b).allSatisfy { $1 == $0 * 0.5 })
        #expect(plain.fingerprint(for: .humCLD).entries["cld_center_scale"] == nil)
        #expect(half.fingerprint(for: .humCLD) != plain.fingerprint(for: .humCLD))
        #expect(half.fingerprint(for: .ce) == plain.fingerprint(for: .ce))
        for bad in ["0", "-1", "nan", "inf"] {
            #expect(throws: (any Error).self, "\(bad)") { try ExperimentOptions.parse(["--cld-center-scale", bad]) }
        }
    }
}
