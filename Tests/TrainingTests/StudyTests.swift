import Autodiff
import FERData
import Foundation
import Layers
import Testing
@testable import Training
@testable import Experiments

@Suite("Multi-seed studies")
struct StudyTests {
    /// A small generated RAF-DB (70 training, 35 test images) as `--data`.
    static func dataOptions() throws -> ExperimentOptions {
        let root = try temporaryFolder("study-data").appendingPathComponent("basic").path
        try SyntheticRAFDB.generate(at: root, configuration: SyntheticRAFDB.Configuration(trainCount: 70, testCount: 35, imageSize: 32, seed: 5), threads: 1)
        return try ExperimentOptions.parse(["--data", root])
    }

    @Test("the quick memorisation study trains every cell at every seed, probes the fit per epoch and writes its files; --resume reads the runs back")
    func memorisationEndToEnd() throws {
        let options = try Self.dataOptions()
        let study = Study.named("memorisation", scale: .quick)!
        let output = try temporaryFolder("study-memorisation")
        let runs = try StudyRunner.run(study, options: options, output: output, resume: false, overwrite: false,
                                       progress: ProgressDisplay(style: .silent))
        #expect(runs.count == study.cells.count * study.seeds.count)
        #expect(Set(runs.map(\.seed)) == Set(study.seeds))
        for run in runs {
            #expect(run.result.history.count == 2)
            let fit = try #require(run.trainingFit)
            #expect(fit.map(\.epoch) == [1, 2])
            for f in fit { #expect([f.flippedFitNoisy, f.flippedPredictClean, f.keptFit].allSatisfy { (0...1).contains($0) }) }
            // A flipped sample predicted as its noisy label is not predicted as its clean one.
            #expect(fit.allSatisfy { $0.flippedFitNoisy + $0.flippedPredictClean <= 1 })
        }
        // Seeds change the label noise, so two seeds of one cell do not train on the same labels.
        let ce = runs.filter { $0.cell == "ce" }
        #expect(ce[0].result.noiseMatrix != ce[1].result.noiseMatrix)

        let table = try StudyReport.write(runs, study: study, scale: .quick, output: output)
        #expect(table.rows.map { $0[0] } == study.cells.map(\.name))
        // The paired difference is LRN − CE at each seed, then mean ± std in points.
        let deltas = study.seeds.map { seed in
            100 * (runs.first { $0.cell == "lrn" && $0.seed == seed }!.result.finalTestAccuracy
                   - runs.first { $0.cell == "ce" && $0.seed == seed }!.result.finalTestAccuracy)
        }
        let differences = StudyReport.differences(runs, study: study)
        #expect(differences.rows.count == 1)
        #expect(differences.rows[0][0...2] == ["lrn", "ce", "2"])
        #expect(differences.rows[0][3].contains(fixed(abs(StudyStatistics.mean(deltas)), decimals: 2)))
        #expect(differences.rows[0][4] == "\(deltas.filter { $0 > 0 }.count) of 2")
        for file in ["memorisation-runs.csv", "memorisation-summary.csv", "memorisation-differences.csv", "memorisation-runs.json", "memorisation-final.svg", "memorisation-curves.svg",
                     "ce/seed-0/run.json", "lrn/seed-1/hum-cld-results.json"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(file).path), "\(file) missing")
        }
        let curves = try String(contentsOf: output.appendingPathComponent("memorisation-curves.svg"), encoding: .utf8)
        #expect(curves.contains("ce: flipped") && curves.contains("lrn: kept"))

        // Finished runs are never trained over silently; with --resume they are read back as they were.
        #expect(throws: TrainingError.self) {
            try StudyRunner.run(study, options: options, output: output, resume: false, overwrite: false, progress: ProgressDisplay(style: .silent))
        }
        let again = try StudyRunner.run(study, options: options, output: output, resume: true, overwrite: false, progress: ProgressDisplay(style: .silent))
        #expect(again == runs)
        // A finished run trained with other settings is not passed off as this study's.
        var longer = study
        longer.base = { s in
            study.base(&s)
            s.epochs = 3
        }
        #expect(throws: TrainingError.self) {
            try StudyRunner.run(longer, options: options, output: output, resume: true, overwrite: false, progress: ProgressDisplay(style: .silent))
        }
    }

    @Test("the quick pairs study trains CE and LRN and measures LRN's HUM correlations beside the realised transition matrix")
    func pairsCorrelation() throws {
        let options = try Self.dataOptions()
        var study = Study.named("pairs", scale: .quick)!
        study.seeds = [3]
        let output = try temporaryFolder("study-pairs")
        let runs = try StudyRunner.run(study, options: options, output: output, resume: false, overwrite: false, progress: ProgressDisplay(style: .silent))
        #expect(runs.map(\.method) == ["ce", "hum+cld"])
        #expect(runs.first { $0.method == "ce" }?.noiseCorrelation == nil)
        let hum = try #require(runs.first { $0.method == "hum+cld" }?.noiseCorrelation)
        for matrix in [hum.meanCorrelation, hum.meanCentredCorrelation] {
            for (i, row) in matrix.enumerated() {
                #expect(abs(row[i] - 1) < 1e-5)
                #expect(row.allSatisfy { $0 >= -1 - 1e-5 && $0 <= 1 + 1e-5 })
            }
        }
        for row in hum.transition { #expect(abs(row.reduce(0, +) - 1) < 1e-12) }
        // Only the named pairs are flipped: disgust's noisy labels are disgust or anger.
        let names = hum.classNames.map { $0.lowercased() }
        let disgust = names.firstIndex(of: "disgust")!, anger = names.firstIndex(of: "anger")!
        #expect(hum.transition[disgust].enumerated().allSatisfy { $0.offset == disgust || $0.offset == anger || $0.element == 0 })
        try StudyReport.write(runs, study: study, scale: .quick, output: output)
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("pairs-correlation.svg").path))
    }

    @Test("every study's comparisons name its own cells; Tables 1 and 2 with seeds set the noise per cell")
    func definitions() throws {
        for name in Study.names {
            for scale in StudyScale.allCases {
                let study = try #require(Study.named(name, scale: scale))
                let cells = Set(study.cells.map(\.name))
                #expect(cells.count == study.cells.count, "\(name): two cells share a name")
                for c in study.comparisons ?? [] { #expect(cells.contains(c.cell) && cells.contains(c.reference), "\(name): \(c)") }
            }
        }
        func noise(_ study: Study, _ cell: String) throws -> Double {
            var s = try ExperimentSettings.resolve(try ExperimentOptions.parse([]), dataset: .rafDB)
            study.base(&s)
            try #require(study.cells.first { $0.name == cell }).adjust(&s)
            return s.noise
        }
        let levels = try #require(Study.named("noise-levels", scale: .full))
        #expect(try [noise(levels, "ce noise 0.1"), noise(levels, "lrn noise 0.2"), noise(levels, "lrn noise 0.3")] == [0.1, 0.2, 0.3])
        #expect(levels.comparisons?.map(\.reference) == ["ce noise 0.1", "ce noise 0.2", "ce noise 0.3"])
        let objectives = try #require(Study.named("objectives", scale: .full))
        #expect(objectives.cells.map(\.method) == MethodName.paper)
        #expect(try objectives.cells.map { try noise(objectives, $0.name) } == [0, 0, 0, 0])
    }

    @Test("a subset keeps every class's share, is the same for every call, and the whole set when asked for more")
    func subsetIsStratifiedAndFixed() throws {
        let labels = Array(repeating: 0, count: 60) + Array(repeating: 1, count: 30) + Array(repeating: 2, count: 10)
        let data = InMemoryImages(labels: labels).erased()
        let a = StudyRunner.subset(data, count: 50), b = StudyRunner.subset(data, count: 50)
        #expect(a.classCounts == [30, 15, 5])
        #expect((0..<a.count).map { a.source(at: $0) } == (0..<b.count).map { b.source(at: $0) })
        #expect(StudyRunner.subset(data, count: 500).count == 100)
    }

    @Test("centring removes the noise common to all logits: rows and columns of P Σ P sum to 0")
    func centring() {
        // Σ = s·11ᵀ + diag(d): the common part s vanishes, leaving diag(d) centred.
        let sigma = [[3.0, 2, 2], [2, 4, 2], [2, 2, 5]]
        let centred = StudyRunner.centre(sigma)
        for row in centred { #expect(abs(row.reduce(0, +)) < 1e-12) }
        let plain = StudyRunner.centre([[1.0, 0, 0], [0, 2, 0], [0, 0, 3]])
        for i in 0..<3 { for j in 0..<3 { #expect(abs(centred[i][j] - plain[i][j]) < 1e-12) } }
        #expect(abs(centred[0][0] - (1 - 2.0 / 3 + 6.0 / 9)) < 1e-12)
    }

    @Test("statistics: sample standard deviation, Spearman with tied ranks")
    func statistics() {
        #expect(abs(StudyStatistics.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]) - 2.138089935) < 1e-9)
        #expect(StudyStatistics.standardDeviation([3]) == 0)
        #expect(StudyStatistics.ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4])
        #expect(abs(StudyStatistics.spearman([1, 2, 3, 4], [10, 100, 1000, 10000]) - 1) < 1e-12)
        #expect(abs(StudyStatistics.spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12)
        // Pearson's on the ranks [1, 2, 3, 4] and [1.5, 1.5, 3, 4]: 0.9486832980505138.
        #expect(abs(StudyStatistics.spearman([1, 2, 3, 4], [0, 0, 5, 9]) - 0.9486832980505138) < 1e-12)
        #expect(StudyStatistics.spearman([1, 2, 3], [5, 5, 5]).isNaN)
    }

    @Test("--zero-init-residual starts every residual block's last BatchNorm scale at 0 and is part of the fingerprint")
    func zeroInitResidual() throws {
        let plain = try ExperimentSettings.resolve(try ExperimentOptions.parse([]), dataset: .rafDB)
        let zero = try ExperimentSettings.resolve(try ExperimentOptions.parse(["--zero-init-residual", "true"]), dataset: .rafDB)
        func scales(_ s: ExperimentSettings) -> [Float] {
            let model = ModelFactory.make(method: .ce, settings: s, classCount: 7)
            return model.backbone.stages.flatMap { $0.layers.compactMap { ($0 as? BasicBlock<Float>)?.bn2.weight.scalars } }.flatMap { $0 }
        }
        #expect(!scales(plain).isEmpty && scales(plain).allSatisfy { $0 == 1 })
        #expect(scales(zero).count == scales(plain).count && scales(zero).allSatisfy { $0 == 0 })
        #expect(plain.fingerprint(for: .ce) != zero.fingerprint(for: .ce))
    }
}

/// Labels without pictures: enough for the subset's bookkeeping.
private struct InMemoryImages: LabeledImageDataset {
    let labels: [Int]
    var classNames: [String] { ["a", "b", "c"] }
    var count: Int { labels.count }
    func label(at index: Int) -> Int { labels[index] }
    func loadImage(at index: Int) throws -> RGBImage { throw FERDataError.invalidValue("no pictures") }
    func source(at index: Int) -> String { "item \(index)" }
}
