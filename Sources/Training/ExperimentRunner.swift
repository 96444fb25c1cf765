import Autodiff
import FERData
import Foundation
import Inference

/// A new model for one run (method, settings, number of classes), with lines to print about it
/// (e.g. what a `--pretrained` file provided).
public typealias ModelBuilder<Model: TrainableModel> = (Method, ExperimentSettings, Int) throws -> (model: Model, notes: [String])

/// What the examples run: load the data set (or generate the built-in one), inject label noise,
/// train each requested method with the shared loop, write the reports, print the comparison.
public enum ExperimentRunner {
    /// Extra, data-set-specific inputs of the examples.
    public struct DataOptions: Sendable {
        /// RAF-DB: an alternative training label list (e.g. a published noisy list).
        public var trainingLabelList: String?
        /// AffectNet: 7 or 8 classes.
        public var affectNetClasses: Int
        public init(trainingLabelList: String? = nil, affectNetClasses: Int = 8) {
            self.trainingLabelList = trainingLabelList
            self.affectNetClasses = affectNetClasses
        }
    }

    /// A data set read from disk (or generated), ready to be relabelled and trained on.
    public struct LoadedData {
        public var train: AnyLabeledImageDataset
        public var test: AnyLabeledImageDataset
    }

    /// Runs every method of `settings` with models from `build`; returns the results by method
    /// and prints the comparison. Everything that can be checked before training is checked
    /// first: the output folder and earlier runs in it, `--pretrained`, the data set, its classes.
    @discardableResult
    public static func run<Model: TrainableModel>(_ settings: ExperimentSettings, data dataOptions: DataOptions = DataOptions(),
                                                  progress: ProgressDisplay = ProgressDisplay(),
                                                  build: ModelBuilder<Model>) throws -> [Method: RunResult] {
        if let threads = settings.threads { setKernelThreads(threads) }
        progress.message("Settings\n" + settings.summary)
        let resuming = try RunPreflight.checkRunFolders(settings)
        let loaded = try loadData(settings, dataOptions, progress: progress)
        return try run(settings, loaded: loaded, resuming: resuming, progress: progress, build: build)
    }

    /// Runs `settings` on data already loaded and checked (`loadData`), after `RunPreflight.checkRunFolders`
    /// said which methods resume.
    @discardableResult
    public static func run<Model: TrainableModel>(_ settings: ExperimentSettings, loaded: LoadedData, resuming: Set<Method>,
                                                  progress: ProgressDisplay = ProgressDisplay(),
                                                  build: ModelBuilder<Model>) throws -> [Method: RunResult] {
        let start = Date()
        let (train, test) = (loaded.train, loaded.test)
        progress.message("training set: \(train.summary)\ntest set:     \(test.summary)")

        let output = URL(fileURLWithPath: settings.output)
        try RunPreflight.createOutputFolder(output)
        var trainLabels = train.labels
        var noiseMatrix: [[Int]]?
        if settings.noise > 0 {
            let noisy = try LabelNoise.inject(trainingLabels: trainLabels, classNames: train.classNames,
                                              mode: try noiseMode(settings, classNames: train.classNames), seed: settings.seed)
            trainLabels = noisy.labels
            noiseMatrix = noisy.matrix.counts
            try noisy.matrix.save(csvPath: output.appendingPathComponent("noise-matrix.csv").path)
            progress.message(noisy.matrix.table)
        }
        let source = FERDataSource(train: train.relabeled(trainLabels), test: test, imageSize: settings.imageSize,
                                   classBalanced: settings.classBalancedSampling)

        var results: [Method: RunResult] = [:]
        for method in settings.methods {
            if settings.resume && !resuming.contains(method) {
                progress.message("--resume: \(method.rawValue) has no checkpoint in \(settings.runFolder(for: method).path); training it from epoch 1.")
            }
            results[method] = try trainOne(method: method, settings: settings, resume: resuming.contains(method), data: source,
                                        noiseMatrix: noiseMatrix, progress: progress, build: build)
            // model.safetensors, test predictions and the contact sheet (Inference/AfterTraining.swift).
            for line in try AfterTraining.finish(runFolder: settings.runFolder(for: method), test: test) { progress.message(line) }
        }
        let table = comparisonTable(settings, results: results)
        try writeAtomically(table.csv(), to: output.appendingPathComponent("comparison.csv"))
        progress.message("\n" + table.formatted())
        progress.message("Total time \(formatDuration(Date().timeIntervalSince(start))). Results, checkpoints and pictures are in \(settings.output)/.")
        return results
    }

    /// Trains one method from scratch (or from `--pretrained`, or resumes) and writes its reports.
    static func trainOne<D: EpochDataSource, Model: TrainableModel>(method: Method, settings: ExperimentSettings, resume: Bool, data: D,
                                                                 noiseMatrix: [[Int]]?, progress: ProgressDisplay,
                                                                 build: ModelBuilder<Model>) throws -> RunResult {
        let folder = settings.runFolder(for: method)
        try RunPreflight.createOutputFolder(folder)
        let built = try build(method, settings, data.classNames.count)
        let model = built.model
        for note in built.notes { progress.message(note) }
        let optimizer = try settings.makeOptimizer(parameters: model.parameters)
        let configuration = trainerConfiguration(method: method, settings: settings, resume: resume)
        let trainer = Trainer(model: model, optimizer: optimizer, data: data, configuration: configuration,
                              fingerprint: settings.fingerprint(for: method), progress: progress)
        trainer.noiseMatrix = noiseMatrix
        progress.message("\n== \(method.paperName): \(model.architectureSummary), \(model.parameterCount) parameters")
        let result = try trainer.run()
        try Reports.write(result, to: folder)
        progress.message(result.confusion.formattedTable())
        return result
    }

    /// How `method` of `settings` trains (also what the preflight compares with a checkpoint).
    static func trainerConfiguration(method: Method, settings: ExperimentSettings, resume: Bool) -> TrainerConfiguration {
        TrainerConfiguration(
            name: method.rawValue, epochs: settings.epochs, batchSize: settings.batchSize,
            schedule: StepSchedule(baseLearningRate: settings.learningRate, stepSize: settings.decayEvery, gamma: settings.decayFactor),
            seed: settings.seed, checkpointURL: RunPreflight.checkpointURL(in: settings.runFolder(for: method)), resume: resume,
            overwrite: settings.overwrite)
    }

    static func noiseMode(_ settings: ExperimentSettings, classNames: [String]) throws -> FERData.NoiseMode {
        switch settings.noiseMode {
        case .paper: return .exactFraction(settings.noise)
        case .scn: return .perSampleProbability(settings.noise)
        case .pairs:
            return .pairFlips(pairs: try LabelNoise.parsePairs(settings.noisePairs ?? "", classNames: classNames), fraction: settings.noise)
        }
    }

    /// Where the built-in synthetic data set is cached: $LRN_CACHE, else $XDG_CACHE_HOME/lrn, else ~/.cache/lrn.
    public static var builtInDataFolder: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["LRN_CACHE"] ?? env["XDG_CACHE_HOME"].map { $0 + "/lrn" }
            ?? (FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/lrn")
        return base + "/synthetic-rafdb"
    }

    /// Reads the data set of `settings` (generating the built-in one when `--data` is absent)
    /// and checks it can train a classifier.
    public static func loadData(_ settings: ExperimentSettings, _ options: DataOptions,
                                progress: ProgressDisplay) throws -> LoadedData {
        var root = settings.dataPath
        if root == nil {
            let folder = builtInDataFolder
            let configuration = SyntheticRAFDB.Configuration(trainCount: ExperimentSettings.BuiltIn.trainCount,
                                                             testCount: ExperimentSettings.BuiltIn.testCount, seed: 0)
            progress.message("Preparing the built-in synthetic RAF-DB in \(folder) (generated once, then reused)…")
            root = try SyntheticRAFDB.ensure(at: folder, configuration: configuration)
        }
        let (train, test) = try settings.dataset.load(root: root!, options: DatasetKind.Options(
            trainingLabelList: options.trainingLabelList, affectNetClassCount: options.affectNetClasses))
        try RunPreflight.checkClassCount(train.classNames, dataSet: "\(settings.dataset.displayName) at \(root!)")
        return LoadedData(train: train, test: test)
    }

    /// One row per method: final and best test accuracy, mean class accuracy, time.
    public static func comparisonTable(_ settings: ExperimentSettings, results: [Method: RunResult]) -> ResultTable {
        let noise = settings.noise > 0 ? "\(fixed(settings.noise * 100, decimals: 0)) % \(settings.noiseMode.rawValue) label noise" : "clean labels"
        var table = ResultTable(
            title: "\(settings.usesBuiltInData ? "Built-in synthetic RAF-DB" : settings.dataset.displayName), \(noise): test accuracy (%) after \(settings.epochs) epochs",
            columns: ["Method", "final acc", "best acc", "mean class acc", "train acc (noisy)", "time"])
        for method in settings.methods {
            guard let r = results[method] else { continue }
            table.addRow([method.paperName, percentCell(r.finalTestAccuracy), percentCell(r.bestTestAccuracy),
                          percentCell(r.history.last?.testMeanClassAccuracy), percentCell(r.history.last?.trainAccuracy),
                          formatDuration(r.history.map(\.seconds).reduce(0, +))])
        }
        if settings.usesBuiltInData {
            table.notes = [
                "",
                "This ran on generated faces with a small network for a few minutes, not on real photographs: the numbers check",
                "the pipeline end to end and are not comparable with the paper's (Documentation/Reproducing.md lists what we measured).",
                "To run the paper's protocol on the real RAF-DB (basic), download it and point at its root folder:",
                "  swift run -c release Example-RAFDB --data /path/to/RAF-DB/basic --noise 0.3 --method all",
                "(the folder holds EmoLabel/list_patition_label.txt and Image/aligned/). See Documentation/Reproducing.md.",
            ]
        }
        return table
    }
}
