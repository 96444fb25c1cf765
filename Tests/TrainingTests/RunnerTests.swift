import Autodiff
import FERData
import Foundation
import LRN
import Testing
@testable import Training
@testable import Experiments

@Suite("Experiment runner")
struct RunnerTests {
    static func fixtureRoot() throws -> String {
        let root = try temporaryFolder("runner").appendingPathComponent("basic").path
        try SyntheticRAFDB.generate(at: root, configuration: SyntheticRAFDB.Configuration(trainCount: 70, testCount: 35, imageSize: 32, seed: 2), threads: 1)
        return root
    }

    static let pixels: ModelBuilder<PixelLinearModel> = { _, settings, classCount in
        (PixelLinearModel(inputCount: 3 * settings.imageSize * settings.imageSize, classes: classCount, seed: settings.seed), ["pixel model"])
    }

    func settings(_ arguments: [String]) throws -> ExperimentSettings {
        try ExperimentSettings.resolve(try ExperimentOptions.parse(arguments), dataset: .rafDB)
    }

    @Test("a run with noise writes the noise matrix, every method's reports and checkpoint, and the comparison")
    func writesEverything() throws {
        let root = try Self.fixtureRoot()
        let output = try temporaryFolder("runner-out").path
        let s = try settings(["--data", root, "--noise", "0.3", "--method", "ce,hum+cld", "--epochs", "2", "--image-size", "16",
                              "--lr", "0.002", "--batch-size", "16", "--output", output])
        let results = try ExperimentRunner.run(s, progress: ProgressDisplay(style: .silent), build: Self.pixels)
        #expect(Set(results.keys) == [.ce, .humCLD])
        #expect(results[.ce]!.noiseMatrix!.flatMap { $0 }.reduce(0, +) == 70)
        let files = ["comparison.csv", "noise-matrix.csv", "ce/checkpoint.safetensors", "ce/ce-results.json", "ce/ce-curves.svg",
                     "hum-cld/checkpoint.safetensors", "hum-cld/hum-cld-confusion.svg", "hum-cld/hum-cld-history.csv"]
        for file in files { #expect(FileManager.default.fileExists(atPath: output + "/" + file), "\(file) missing") }
        let comparison = try String(contentsOfFile: output + "/comparison.csv", encoding: .utf8)
        #expect(comparison.hasPrefix("Method,final acc,best acc,mean class acc,train acc (noisy),time\n"))
        #expect(comparison.contains("Baseline (L_ce),") && comparison.contains("LRN (L_cls + L_cld),"))

        // The same command with --resume finds finished runs and reproduces their results.
        let again = try ExperimentRunner.run(try settings(["--data", root, "--noise", "0.3", "--method", "ce,hum+cld", "--epochs", "2",
                                                           "--image-size", "16", "--lr", "0.002", "--batch-size", "16", "--output", output, "--resume"]),
                                             progress: ProgressDisplay(style: .silent), build: Self.pixels)
        #expect(again[.ce]!.history == results[.ce]!.history)
        #expect(again[.humCLD]!.confusion == results[.humCLD]!.confusion)

        // --resume with another noise level is refused, naming it.
        do {
            _ = try ExperimentRunner.run(try settings(["--data", root, "--noise", "0.2", "--method", "ce", "--epochs", "2", "--image-size", "16",
                                                       "--lr", "0.002", "--batch-size", "16", "--output", output, "--resume"]),
                                         progress: ProgressDisplay(style: .silent), build: Self.pixels)
            Issue.record("a checkpoint with another noise level was accepted")
        } catch {
            #expect("\(error)".contains("noise: checkpoint 0.3, this run 0.2"))
        }
    }

    @Test("a program's own method runs with --method next to the paper's: its row, reports and checkpoint; an unknown name stops the run first")
    func customMethod() throws {
        let root = try Self.fixtureRoot()
        let output = try temporaryFolder("runner-custom").path
        let smoothing = CustomMethod(name: "pixels-ls", title: "pixels, label smoothing 0.1", fingerprint: ["smoothing": "0.1"]) { settings, classes in
            PixelLinearModel(inputCount: 3 * settings.imageSize * settings.imageSize, classes: classes, seed: settings.seed)
        }
        let arguments = ["--data", root, "--method", "ce,pixels-ls", "--epochs", "1", "--image-size", "16",
                         "--lr", "0.002", "--batch-size", "16", "--output", output]
        let s = try ExperimentSettings.resolve(try ExperimentOptions.parse(arguments), dataset: .rafDB, customMethods: [smoothing.name])
        #expect {
            try ExperimentRunner.run(s, progress: ProgressDisplay(style: .silent), build: Self.pixels)
        } throws: { "\($0)".contains("--method pixels-ls: no such method") }
        #expect(!FileManager.default.fileExists(atPath: output + "/ce"))
        let results = try ExperimentRunner.run(s, progress: ProgressDisplay(style: .silent), build: Self.pixels, customMethods: [smoothing])
        #expect(Set(results.keys) == [.ce, MethodName("pixels-ls")])
        #expect(results[MethodName("pixels-ls")]!.settings["smoothing"] == "0.1")
        let comparison = try String(contentsOfFile: output + "/comparison.csv", encoding: .utf8)
        #expect(comparison.contains("Baseline (L_ce),") && comparison.contains("\"pixels, label smoothing 0.1\","))
        for file in ["pixels-ls/checkpoint.safetensors", "pixels-ls/pixels-ls-curves.svg", "comparison.svg"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file), "\(file) missing")
        }
    }

    @Test("a missing data folder is reported with its path before anything is written")
    func missingData() throws {
        let output = try temporaryFolder("runner-missing").appendingPathComponent("out").path
        let s = try settings(["--data", "/nonexistent/RAF-DB", "--output", output])
        #expect {
            try ExperimentRunner.run(s, progress: ProgressDisplay(style: .silent), build: Self.pixels)
        } throws: { "\($0)".contains("/nonexistent/RAF-DB") }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("protocol defaults: the paper's with --data, quick ones for the built-in data; AffectNet needs --data")
    func defaults() throws {
        let paper = try settings(["--data", "/d"])
        #expect(paper.optimizer == .sgd && paper.learningRate == 1e-4 && paper.momentum == 0.9 && paper.weightDecay == 1e-4)
        #expect(paper.backbone == .resnet18 && paper.imageSize == 112 && paper.batchSize == 64 && paper.trainingMCSamples == 1000)
        #expect(paper.methods == [.humCLD] && paper.noise == 0 && paper.temperature == 0.7 && paper.lambda == 1)
        let affect = try ExperimentSettings.resolve(try ExperimentOptions.parse(["--data", "/a"]), dataset: .affectNet)
        #expect(affect.optimizer == .adam && affect.classBalancedSampling && affect.weightDecay == 0)
        let builtIn = try settings([])
        #expect(builtIn.usesBuiltInData && builtIn.noise == 0.3 && builtIn.methods == [.ce, .humCLD] && builtIn.backbone == .small)
        // The paper's step schedule with --data; on the built-in data a 5-epoch warm-up to 0.003,
        // then a cosine decay (shorter warm-ups for shorter runs, none with --schedule step).
        #expect(paper.schedule == .step && paper.warmupEpochs == 0)
        #expect(try paper.plan(resuming: []).schedule.learningRate(epoch: 10, baseLearningRate: 1e-4) == 1e-5)
        #expect(builtIn.optimizer == .adam && builtIn.learningRate == 0.003 && builtIn.schedule == .cosine && builtIn.warmupEpochs == 5)
        let builtInRates = try (0..<16).map { try builtIn.plan(resuming: []).schedule.learningRate(epoch: $0, baseLearningRate: 0.003) }
        #expect(zip(builtInRates.prefix(5), builtInRates.dropFirst().prefix(5)).allSatisfy { $0 < $1 } && builtInRates[5] == 0.003)
        #expect(zip(builtInRates.dropFirst(5), builtInRates.dropFirst(6)).allSatisfy { $0 > $1 })
        #expect(try settings(["--epochs", "2"]).warmupEpochs == 1)
        #expect(try settings(["--epochs", "1"]).warmupEpochs == 0)
        let step = try settings(["--schedule", "step"])
        #expect(step.warmupEpochs == 0)
        #expect(try abs(step.plan(resuming: []).schedule.learningRate(epoch: 10, baseLearningRate: 0.003) - 0.0003) < 1e-15)
        let cosine = try settings(["--lr", "0.001", "--schedule", "cosine", "--warmup-epochs", "1"])
        let rates = try (0..<16).map { try cosine.plan(resuming: []).schedule.learningRate(epoch: $0, baseLearningRate: 0.001) }
        #expect(rates[0] == 0.0005 && rates[1] == 0.001 && zip(rates.dropFirst(), rates.dropFirst(2)).allSatisfy { $0 > $1 })
        #expect { try settings(["--schedule", "step", "--warmup-epochs", "2"]) } throws: { "\($0)".contains("--warmup-epochs 2: needs --schedule cosine") }
        #expect { try settings(["--epochs", "3", "--schedule", "cosine", "--warmup-epochs", "3"]).plan(resuming: []) } throws: { "\($0)".contains("--warmup-epochs 3 with --epochs 3") }
        #expect(throws: TrainingError.self) { try ExperimentSettings.resolve(try ExperimentOptions.parse([]), dataset: .ferPlus) }
        // The fingerprint carries what decides the result, and only the HUM/CLD settings a method uses.
        #expect(paper.fingerprint(for: .ce).entries["mc_samples"] == nil)
        #expect(paper.fingerprint(for: .humCLD).entries["lambda"] == "1.0")
    }

    @Test("HUM's initial noise scale: 0.1 by default, 0 keeps the Linear init, and the model starts with cov = s²·I")
    func humInitialNoiseScale() throws {
        let standard = try settings(["--data", "/d", "--backbone", "small"])
        #expect(standard.humInitialNoiseScale == 0.1 && standard.prediction == .mc)
        #expect(standard.fingerprint(for: .hum).entries["hum_init_scale"] == "0.1")
        let linear = try settings(["--data", "/d", "--hum-init-scale", "0", "--prediction", "mean"])
        #expect(linear.humInitialNoiseScale == nil && linear.prediction == .mean)
        #expect(linear.fingerprint(for: .hum).entries["hum_init_scale"] == "linear")
        #expect(throws: (any Error).self) { try ExperimentOptions.parse(["--hum-init-scale", "-1"]) }

        let model = ModelFactory.make(method: .hum, settings: standard, classCount: 7)
        #expect(model.predictionMethod == .monteCarlo)
        var rng = RandomGenerator(seed: 9)
        let features = Tensor<Float>(randomNormal: [2, model.backbone.featureDimension], generator: &rng).relu()
        let covariance = model.head(features).covariance
        for i in 0..<2 {
            for r in 0..<7 {
                for k in 0..<7 {
                    #expect(abs(covariance[i, r, k] - (r == k ? 0.01 : 0)) < 1e-6)
                }
            }
        }
        #expect(ModelFactory.make(method: .hum, settings: linear, classCount: 7).predictionMethod == .meanLogits)
    }
}
