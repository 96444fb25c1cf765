import Autodiff
import Distributed
import FERData
import Foundation
import Inference
import Training

/// A new model for one of the paper's objectives (method, settings, number of classes), with
/// lines to print about it (e.g. what a `--pretrained` file provided).
public typealias ModelBuilder<Model: TrainableModel> = (MethodName, ExperimentSettings, Int) throws -> (model: Model, notes: [String])

/// A method a program offers besides the paper's four: `--method <name>` trains it on the
/// same data, with the same loop, reports and comparison (see Documentation/BuildingANoisyLabelModel.md).
public struct CustomMethod {
    public var name: MethodName
    public var title: String
    /// Settings of the method that decide its result, for the checkpoint fingerprint.
    public var fingerprint: [String: String]
    public var build: (_ settings: ExperimentSettings, _ classCount: Int) throws -> AnyTrainableModel

    public init<Model: TrainableModel>(name: String, title: String? = nil, fingerprint: [String: String] = [:],
                                       build: @escaping (_ settings: ExperimentSettings, _ classCount: Int) throws -> Model) {
        self.name = MethodName(name)
        self.title = title ?? name
        self.fingerprint = fingerprint
        self.build = { AnyTrainableModel(try build($0, $1)) }
    }
}

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
                                                  build: @escaping ModelBuilder<Model>,
                                                  customMethods: [CustomMethod] = []) throws -> [MethodName: RunResult] {
        // Under an MPI launcher with several processes (ExperimentRunner+DataParallel.swift).
        let group = try DistributedLaunch.processGroup()
        if group.size > 1 { return runDataParallel(settings, data: dataOptions, progress: progress, build: build, customMethods: customMethods, group: group) }
        try ExperimentSettings.checkMethodNames(settings.methods, offered: customMethods.map(\.name))
        configureKernels(threads: settings.threads)
        progress.message("Settings\n" + settings.summary)
        let resuming = try RunPreflight.checkRunFolders(settings)
        let loaded = try loadData(settings, dataOptions, progress: progress)
        return try run(settings, loaded: loaded, resuming: resuming, progress: progress, build: build, customMethods: customMethods)
    }

    /// Runs `settings` on data already loaded and checked (`loadData`), after `RunPreflight.checkRunFolders`
    /// said which methods resume.
    @discardableResult
    public static func run<Model: TrainableModel>(_ settings: ExperimentSettings, loaded: LoadedData, resuming: Set<MethodName>,
                                                  progress: ProgressDisplay = ProgressDisplay(),
                                                  build: @escaping ModelBuilder<Model>,
                                                  customMethods: [CustomMethod] = [],
                                                  processGroup: any ProcessGroup = SingleProcessGroup()) throws -> [MethodName: RunResult] {
        try ExperimentSettings.checkMethodNames(settings.methods, offered: customMethods.map(\.name))
        let start = Date()
        let (train, test) = (loaded.train, loaded.test)
        progress.message("training set: \(train.summary)\ntest set:     \(test.summary)")

        let output = URL(fileURLWithPath: settings.output)
        if processGroup.isPrimary { try RunPreflight.createOutputFolder(output) }
        var trainLabels = train.labels
        var noiseMatrix: [[Int]]?
        if settings.noise > 0 {
            let noisy = try LabelNoise.inject(trainingLabels: trainLabels, classNames: train.classNames,
                                              mode: try noiseMode(settings, classNames: train.classNames), seed: settings.seed)
            trainLabels = noisy.labels
            noiseMatrix = noisy.matrix.counts
            if processGroup.isPrimary { try noisy.matrix.save(csvPath: output.appendingPathComponent("noise-matrix.csv").path) }
            progress.message(noisy.matrix.table)
        }
        let source = FERDataSource(train: train.relabeled(trainLabels), test: test, imageSize: settings.imageSize,
                                   classBalanced: settings.classBalancedSampling)

        for method in settings.methods where settings.resume && !resuming.contains(method) {
            progress.message("--resume: \(method.rawValue) has no checkpoint in \(settings.runFolder(for: method).path); training it from epoch 1.")
        }
        let methods = settings.methods.map { trainingMethod($0, settings: settings, build: build, customMethods: customMethods) }
        var plan = try settings.plan(resuming: resuming, noiseMatrix: noiseMatrix, notes: comparisonNotes(settings))
        plan.processGroup = processGroup
        plan.synchronizeBatchNorm = settings.synchronizeBatchNorm
        let results = try Comparison.run(methods, data: source, plan: plan, progress: progress) { method, model, result, folder in
            try finishRun(method, model: model, result: result, folder: folder, test: test, settings: settings, progress: progress)
        }
        progress.message("Total time \(formatDuration(Date().timeIntervalSince(start))). Results, checkpoints and pictures are in \(settings.output)/.")
        return Dictionary(uniqueKeysWithValues: results.map { (MethodName($0.key), $0.value) })
    }

    /// The end of one method's run, called after its last evaluation and its reports (in
    /// `folder`, the method's run folder): the place for artefacts made from the trained model,
    /// such as exported weights or pictures of test predictions. `model.base` is the
    /// `ModelFactory.Model` (or a custom method's model); the checkpoint is in `folder`.
    static func finishRun(_ method: TrainingMethod, model: AnyTrainableModel, result: RunResult, folder: URL,
                          test: AnyLabeledImageDataset, settings: ExperimentSettings, progress: ProgressDisplay) throws {
        // model.safetensors, test predictions and the contact sheet (Inference/AfterTraining.swift).
        for line in try AfterTraining.finish(runFolder: folder, test: test) { progress.message(line) }
    }

    /// `method` as the comparison trains it: one of the paper's objectives through `build`, or a custom method.
    static func trainingMethod<Model: TrainableModel>(_ method: MethodName, settings: ExperimentSettings, build: @escaping ModelBuilder<Model>,
                                                      customMethods: [CustomMethod]) -> TrainingMethod {
        let fingerprint = settings.fingerprint(for: method).entries
        if let custom = customMethods.first(where: { $0.name == method }) {
            return TrainingMethod(name: method.rawValue, title: custom.title, fingerprint: fingerprint.merging(custom.fingerprint) { $1 }) {
                (try custom.build(settings, $0), [])
            }
        }
        return TrainingMethod(name: method.rawValue, title: method.paperName, fingerprint: fingerprint) { classCount in
            let built = try build(method, settings, classCount)
            return (AnyTrainableModel(built.model), built.notes)
        }
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
        let (train, test) = settings.align
            ? try loadAligned(settings, root: root!, options, progress: progress)  // AlignedData.swift
            : try settings.dataset.load(root: root!, options: DatasetKind.Options(
                trainingLabelList: options.trainingLabelList, affectNetClassCount: options.affectNetClasses))
        try RunPreflight.checkClassCount(train.classNames, dataSet: "\(settings.dataset.displayName) at \(root!)")
        // Every image's header, before the first epoch: a bad file among thousands must not stop a run hours in.
        let total = train.count + test.count
        progress.message("Checking the headers of \(total) images…")
        try train.checkImages()
        try test.checkImages()
        return LoadedData(train: train, test: test)
    }

    /// What the printed comparison says about the built-in data.
    static func comparisonNotes(_ settings: ExperimentSettings) -> [String] {
        guard settings.usesBuiltInData else { return [] }
        return [
            "",
            "This ran on generated faces with a small network for a few minutes, not on real photographs: the numbers check",
            "the pipeline end to end and are not comparable with the paper's (Documentation/Reproducing.md lists what we measured).",
            "To run the paper's protocol on the real RAF-DB (basic), download it and point at its root folder:",
            "  swift run -c release Example-RAFDB --data /path/to/RAF-DB/basic --noise 0.3 --method all",
            "(the folder holds EmoLabel/list_patition_label.txt and Image/aligned/). See Documentation/Reproducing.md.",
        ]
    }
}
