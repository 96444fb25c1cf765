import Autodiff
import Foundation
import Layers

/// One contender of a comparison: a name (its folder, its files, its `--method` value), the row
/// title of the comparison table, the settings that decide its result beyond the loop's, and
/// how to build a fresh model for a number of classes.
public struct TrainingMethod {
    public var name: String
    public var title: String
    /// Checked against a checkpoint when resuming (the loop adds its own and the model's).
    public var fingerprint: [String: String]
    /// A fresh model, and lines to print about it (e.g. what a pretrained file provided).
    public var build: (_ classCount: Int) throws -> (model: AnyTrainableModel, notes: [String])

    public init(name: String, title: String? = nil, fingerprint: [String: String] = [:],
                buildWithNotes: @escaping (_ classCount: Int) throws -> (model: AnyTrainableModel, notes: [String])) {
        precondition(!name.isEmpty, "TrainingMethod: empty name")
        self.name = name
        self.title = title ?? name
        self.fingerprint = fingerprint
        build = buildWithNotes
    }

    public init<Model: TrainableModel>(name: String, title: String? = nil, fingerprint: [String: String] = [:],
                                       build: @escaping (_ classCount: Int) throws -> Model) {
        self.init(name: name, title: title, fingerprint: fingerprint) { (AnyTrainableModel(try build($0)), []) }
    }
}

/// How every method of a comparison trains, and where the results go.
public struct ComparisonPlan {
    /// The folder that receives one sub-folder per method and `comparison.csv` / `comparison.svg`.
    public var output: URL
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var schedule: any LearningRateSchedule
    public var seed: UInt64
    /// The optimiser of each method, over its model's parameters.
    public var makeOptimizer: ([Tensor<Float>]) throws -> any Optimizer<Float>
    /// Write a checkpoint after every epoch (needed to resume).
    public var checkpoints: Bool
    /// Methods that continue from their checkpoint (see `RunPreflight.checkForEarlierRuns`).
    public var resuming: Set<String>
    /// Start afresh over an earlier run's files (`--overwrite`).
    public var overwrite: Bool
    /// Settings shared by every method that decide the results (data, noise), for the fingerprint.
    public var settings: [String: String]
    /// The realised label-noise matrix, for the reports.
    public var noiseMatrix: [[Int]]?
    public var title: String
    /// Lines printed under the table.
    public var notes: [String]
    /// The processes training each method together; rank 0 alone writes (Comparison+DataParallel.swift).
    public var processGroup: any ProcessGroup = SingleProcessGroup()
    /// `Trainer.synchronizeBatchNorm` for every method.
    public var synchronizeBatchNorm = false

    public init(output: URL, epochs: Int, batchSize: Int, learningRate: Double,
                schedule: any LearningRateSchedule = ConstantLearningRate(), seed: UInt64,
                makeOptimizer: @escaping ([Tensor<Float>]) throws -> any Optimizer<Float>,
                checkpoints: Bool = true, resuming: Set<String> = [], overwrite: Bool = false,
                settings: [String: String] = [:], noiseMatrix: [[Int]]? = nil,
                title: String = "Test accuracy (%)", notes: [String] = []) {
        self.output = output
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.schedule = schedule
        self.seed = seed
        self.makeOptimizer = makeOptimizer
        self.checkpoints = checkpoints
        self.resuming = resuming
        self.overwrite = overwrite
        self.settings = settings
        self.noiseMatrix = noiseMatrix
        self.title = title
        self.notes = notes
    }

    /// Where `method`'s checkpoint and reports go ("hum+cld" → "hum-cld").
    public func folder(for method: String) -> URL { Self.folder(for: method, in: output) }

    /// The run folder of `method` under `output`, for a caller that has no plan yet.
    public static func folder(for method: String, in output: URL) -> URL {
        output.appendingPathComponent(method.replacingOccurrences(of: "+", with: "-"))
    }

    /// How `method` trains (also what a preflight compares with a checkpoint).
    public func trainerConfiguration(for method: String) -> TrainerConfiguration {
        TrainerConfiguration(name: method, epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                             schedule: schedule, seed: seed,
                             checkpointURL: checkpoints ? RunPreflight.checkpointURL(in: folder(for: method)) : nil,
                             resume: resuming.contains(method), overwrite: overwrite)
    }
}

/// Trains several methods on the same data with the same loop, writes each one's reports (JSON,
/// CSV, SVG) in its folder, then the comparison: a printed table, `comparison.csv` and
/// `comparison.svg` (test accuracy per epoch of every method). The paper's experiments and a
/// user's new loss go through the same code.
public enum Comparison {
    /// Called after a method trained, was evaluated and its reports were written: the place
    /// for end-of-run artefacts (exported weights, pictures) that need the trained model.
    public typealias AfterRun = (_ method: TrainingMethod, _ model: AnyTrainableModel, _ result: RunResult, _ folder: URL) throws -> Void

    @discardableResult
    public static func run(_ methods: [TrainingMethod], data: some EpochDataSource, plan: ComparisonPlan,
                           progress: ProgressDisplay = ProgressDisplay(), afterRun: AfterRun? = nil) throws -> [String: RunResult] {
        let names = methods.map(\.name)
        precondition(Set(names).count == names.count, "Comparison: method names repeat: \(names)")
        guard plan.processGroup.isPrimary else { return try follow(methods, data: data, plan: plan) }
        if plan.resuming.isEmpty {
            // Never over an earlier run's results unless asked (`overwrite`).
            _ = try RunPreflight.checkForEarlierRuns(output: plan.output.path, methods: names, folder: plan.folder(for:),
                                                     resume: false, overwrite: plan.overwrite)
        }
        try RunPreflight.createOutputFolder(plan.output)
        var results: [String: RunResult] = [:]
        for method in methods {
            results[method.name] = try train(method, data: data, plan: plan, progress: progress, afterRun: afterRun)
        }
        let table = self.table(methods.map { ($0.name, $0.title) }, results: results, title: plan.title, notes: plan.notes)
        try writeAtomically(table.csv(), to: plan.output.appendingPathComponent("comparison.csv"))
        let curves = methods.compactMap { m in results[m.name].map { (name: m.title, history: $0.history) } }
        try writeAtomically(SVGCharts.comparison(curves, title: plan.title), to: plan.output.appendingPathComponent("comparison.svg"))
        progress.message("\n" + table.formatted())
        return results
    }

    /// Trains one method from scratch (or resumes it) and writes its reports.
    public static func train(_ method: TrainingMethod, data: some EpochDataSource, plan: ComparisonPlan,
                             progress: ProgressDisplay = ProgressDisplay(), afterRun: AfterRun? = nil) throws -> RunResult {
        let folder = plan.folder(for: method.name)
        try RunPreflight.createOutputFolder(folder)
        let built = try method.build(data.classNames.count)
        let model = built.model
        for note in built.notes { progress.message(note) }
        let trainer = Trainer(model: model, optimizer: try plan.makeOptimizer(model.parameters), data: data,
                              configuration: plan.trainerConfiguration(for: method.name),
                              fingerprint: RunFingerprint(plan.settings.merging(method.fingerprint) { $1 }), progress: progress)
        trainer.noiseMatrix = plan.noiseMatrix
        trainer.processGroup = plan.processGroup
        trainer.synchronizeBatchNorm = plan.synchronizeBatchNorm
        progress.message("\n== \(method.title): \(model.architectureSummary), \(model.parameterCount) parameters")
        let result = try trainer.run()
        try Reports.write(result, to: folder)
        progress.message(result.confusion.formattedTable())
        try afterRun?(method, model, result, folder)
        return result
    }

    /// One row per method: final and best test accuracy, mean class accuracy, time.
    public static func table(_ methods: [(name: String, title: String)], results: [String: RunResult], title: String, notes: [String] = []) -> ResultTable {
        var table = ResultTable(title: title, columns: ["Method", "final acc", "best acc", "mean class acc", "train acc (noisy)", "time"], notes: notes)
        for method in methods {
            guard let r = results[method.name] else { continue }
            table.addRow([method.title, percentCell(r.finalTestAccuracy), percentCell(r.bestTestAccuracy),
                          percentCell(r.history.last?.testMeanClassAccuracy), percentCell(r.history.last?.trainAccuracy),
                          formatDuration(r.history.map(\.seconds).reduce(0, +))])
        }
        return table
    }
}
