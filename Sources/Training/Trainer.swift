import Autodiff
import Foundation

/// How a run trains: length, batch, schedule, seed, where checkpoints go.
public struct TrainerConfiguration {
    public var name: String
    public var epochs: Int
    public var batchSize: Int
    /// The base learning rate, which `schedule` scales per epoch.
    public var learningRate: Double
    /// Autodiff's schedule, asked with 0-based epochs (the loop's epoch 1 is the schedule's 0).
    public var schedule: any LearningRateSchedule
    public var seed: UInt64
    /// Written after every epoch; nil for none.
    public var checkpointURL: URL?
    /// Continue from `checkpointURL`, which must exist.
    public var resume: Bool
    /// Start afresh even though `checkpointURL` holds an earlier run's checkpoint (replaced after
    /// the first epoch). Without it, or `resume`, an existing checkpoint stops the run before it starts.
    public var overwrite: Bool
    public init(name: String, epochs: Int, batchSize: Int, learningRate: Double,
                schedule: any LearningRateSchedule = ConstantLearningRate(), seed: UInt64,
                checkpointURL: URL? = nil, resume: Bool = false, overwrite: Bool = false) {
        self.name = name
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.schedule = schedule
        self.seed = seed
        self.checkpointURL = checkpointURL
        self.resume = resume
        self.overwrite = overwrite
    }

    /// The checkpoint fingerprint's entries that come from the configuration alone (known before a model exists).
    public var fingerprintEntries: [String: String] {
        ["batch_size": String(batchSize),
         "seed": String(seed),
         "schedule": scheduleDescription]
    }

    /// The schedule as the checkpoint fingerprint records it. `StepDecay` keeps the wording of
    /// checkpoints written before schedules came from Autodiff, so they still resume.
    public var scheduleDescription: String {
        if let step = schedule as? StepDecay {
            return "lr \(learningRate) ×\(step.gamma) every \(step.stepSize) epochs"
        }
        return "lr \(learningRate), \(schedule)"
    }

    /// The rate of 1-based `epoch`.
    public func learningRate(epoch: Int) -> Double {
        schedule.learningRate(epoch: epoch - 1, baseLearningRate: learningRate)
    }
}

/// The loop shared by every example: train an epoch, evaluate on the test set, record the
/// epoch, write a checkpoint; stop with the last good checkpoint kept if the loss turns NaN/Inf.
public final class Trainer<Model: TrainableModel> {
    public let model: Model
    public let optimizer: any Optimizer<Float>
    public let data: EpochDataSource
    public let configuration: TrainerConfiguration
    public let fingerprint: RunFingerprint
    public let progress: ProgressDisplay
    /// Called after each epoch's checkpoint is written (a test throws here to simulate a kill).
    public var onEpochEnd: ((EpochRecord) throws -> Void)?
    /// The realised noise matrix to put in the report, when the data has injected noise.
    public var noiseMatrix: [[Int]]?
    /// The processes training this model together (Trainer+DataParallel.swift); rank 0 alone
    /// reads and writes the checkpoint, evaluates and prints.
    public var processGroup: any ProcessGroup = SingleProcessGroup()
    /// Gradients are summed over the group in buckets of this many floats.
    public var gradientBucketElements = 1 << 22
    /// Batch norm with the global batch's statistics when more than one process trains
    /// (SynchronizedBatchNorm.swift); off: each process normalises its own shard.
    public var synchronizeBatchNorm = false

    public private(set) var history: [EpochRecord] = []
    /// Whether `checkpointURL` holds this run's state (written by it, or the one it resumed from):
    /// only then is it offered as the last good checkpoint when the loss turns NaN.
    private var checkpointIsThisRuns = false
    public private(set) var lastConfusion: ConfusionMatrix

    /// `fingerprint`: the caller's settings that decide the result, beyond the configuration and
    /// the model (data, noise, objective options); checked when resuming, so only a run that
    /// writes checkpoints needs one.
    public init(model: Model, optimizer: any Optimizer<Float>, data: EpochDataSource,
                configuration: TrainerConfiguration, fingerprint: RunFingerprint = RunFingerprint([:]),
                progress: ProgressDisplay = ProgressDisplay()) {
        self.model = model
        self.optimizer = optimizer
        self.data = data
        self.configuration = configuration
        self.fingerprint = fingerprint
        self.progress = progress
        lastConfusion = ConfusionMatrix(classNames: data.classNames)
        Kernels.configureIfNeeded()  // the program's own configuration, if it applied one, stays
    }

    /// The fingerprint the checkpoint records: the caller's settings plus the model's own
    /// description and parameter count, so a different architecture is named as such.
    var fullFingerprint: RunFingerprint {
        var entries = fingerprint.entries.merging(configuration.fingerprintEntries) { $1 }
        entries["model"] = model.architectureSummary
        entries["model.parameter_count"] = String(model.parameterCount)
        entries["classes"] = data.classNames.joined(separator: ",")
        return RunFingerprint(entries)
    }


    /// Trains to `configuration.epochs` (from the checkpoint's epoch when resuming) and returns the results.
    public func run() throws -> RunResult {
        var startEpoch = 1
        if let url = checkpointURL {
            let exists = FileManager.default.fileExists(atPath: url.path)
            let folder = url.deletingLastPathComponent().path
            if configuration.resume {
                guard exists else { throw TrainingError.nothingToResume(folder: folder, expected: url.lastPathComponent) }
                startEpoch = try restore(from: url) + 1
                checkpointIsThisRuns = true
                display.message("Resuming \(configuration.name) from \(url.path) after epoch \(startEpoch - 1).")
            } else if exists && !configuration.overwrite {
                throw TrainingError.existingRun(folder: folder, file: url.lastPathComponent)
            }
        }
        startEpoch = try synchronizeStart(startEpoch)
        if startEpoch > configuration.epochs, processGroup.isPrimary, !history.isEmpty {
            display.message("\(configuration.name): the checkpoint already holds \(history.count) epochs; nothing to train, evaluating it again.")
            try evaluate(epoch: startEpoch - 1)
        }
        for epoch in startEpoch...max(startEpoch, configuration.epochs) where epoch <= configuration.epochs {
            let record = try trainEpoch(epoch)
            history.append(record)
            if let url = checkpointURL {
                try checkpoint(completedEpochs: epoch).write(to: url)
                checkpointIsThisRuns = true
            }
            try onEpochEnd?(record)
        }
        return RunResult(name: configuration.name, settings: fullFingerprint.entries.merging(["epochs": String(configuration.epochs)]) { $1 },
                         history: history, confusion: lastConfusion, noiseMatrix: noiseMatrix)
    }

    func checkpoint(completedEpochs: Int) -> TrainingCheckpoint {
        // Copies: the live tensors keep changing while a later epoch trains.
        TrainingCheckpoint(completedEpochs: completedEpochs, seed: configuration.seed, history: history,
                           fingerprint: fullFingerprint,
                           modelState: model.stateDict.mapValues { $0.copy() },
                           optimizerState: optimizer.stateDict().mapValues { $0.copy() })
    }

    /// Loads the checkpoint after checking it belongs to this run; returns its epoch.
    func restore(from url: URL) throws -> Int {
        let saved = try TrainingCheckpoint.read(from: url)
        // Checked first: extending a run is fine, silently reporting more epochs than asked is not.
        guard saved.completedEpochs <= configuration.epochs else {
            throw TrainingError.checkpointBeyondEpochs(path: url.path, completed: saved.completedEpochs, requested: configuration.epochs)
        }
        var differences = fullFingerprint.differences(from: saved.fingerprint)
        if saved.seed != configuration.seed && !differences.contains(where: { $0.hasPrefix("seed:") }) {
            differences.append("seed: checkpoint \(saved.seed), this run \(configuration.seed)")
        }
        differences += saved.modelDifferences(from: model)
        guard differences.isEmpty else { throw TrainingError.incompatibleCheckpoint(path: url.path, differences: differences) }
        saved.restore(into: model)
        do {
            try optimizer.loadStateDict(saved.optimizerState)
        } catch {
            throw TrainingError.incompatibleCheckpoint(path: url.path, differences: ["optimizer state: \(error)"])
        }
        history = saved.history
        return saved.completedEpochs
    }

    /// Streams derive from (seed, purpose, epoch) through `Seeds.derive`, so that any epoch can be replayed alone.
    static func generator(seed: UInt64, epoch: Int, purpose: UInt64) -> RandomGenerator {
        RandomGenerator(seed: Seeds.derive(seed, purpose, UInt64(epoch)))
    }

    func trainEpoch(_ epoch: Int) throws -> EpochRecord {
        let learningRate = configuration.learningRate(epoch: epoch)
        optimizer.learningRate = learningRate
        model.isTraining = true
        var generator = Self.generator(seed: configuration.seed, epoch: epoch, purpose: Seeds.Purpose.trainingStep)
        let (rank, size) = (processGroup.rank, processGroup.size)
        // Each process reads (and decodes) only its rows of every batch; alone, all of them.
        let batches = try data.trainingBatches(epoch: epoch, seed: configuration.seed, batchSize: configuration.batchSize,
                                               shardOf: { BatchShard(globalCount: $0, rank: rank, size: size).rows })
        try broadcastModel()
        let statisticsReducer = installStatisticsReducer()
        ResidentMemory.resetPeak()
        let start = Date()
        var seen = 0, correct = 0, lossSum = 0.0, batchIndex = 0
        let label = "\(configuration.name) epoch \(epoch)/\(configuration.epochs)"
        while let batch = try batches.next() {
            batchIndex += 1
            optimizer.zeroGrad()
            let shard = BatchShard(globalCount: batch.globalCount, rank: rank, size: size)
            precondition(batch.labels.count == shard.count,
                         "\(type(of: data)).trainingBatches gave \(batch.labels.count) rows of a global batch of \(batch.globalCount) to process \(rank) of \(size); its shard has \(shard.count)")
            try checkShardsForSynchronizedBatchNorm(statisticsReducer, globalCount: shard.globalCount, epoch: epoch, batch: batchIndex)
            statisticsReducer?.share = shard.share
            // An empty shard (a last batch smaller than the group) skips the step; later
            // batches of the epoch do not exist, so its generator falling behind is harmless.
            let step = shard.count > 0
                ? model.trainingStep(images: batch.images, labels: batch.labels, shard: shard, generator: &generator) : nil
            let localCorrect = step.map { step in
                zip(predictedClasses(step.scores.scalars, classCount: step.scores.shape.last ?? 1), batch.labels).filter { $0 == $1 }.count
            } ?? 0
            // Σ loss·rows, correct, rows: summed over the group, so every process sees the same loss.
            let totals = try sumOverGroup([Double(step?.loss.scalar ?? 0) * Double(shard.count), Double(localCorrect), Double(shard.count)])
            let loss = Float(totals[0] / totals[2])
            guard loss.isFinite else {
                display.finish()
                let existing = checkpointURL.flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0.path : nil }
                throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batchIndex, value: loss,
                                                  lastGoodCheckpoint: checkpointIsThisRuns ? existing : nil,
                                                  unrelatedCheckpoint: checkpointIsThisRuns ? nil : existing)
            }
            step?.loss.backward()
            try reduceGradients(share: shard.share)
            optimizer.step()
            correct += Int(totals[1])
            seen += Int(totals[2])
            lossSum += totals[0]
            display.update(ProgressState(label: label, done: seen, total: data.trainingCount,
                                          elapsedSeconds: Date().timeIntervalSince(start),
                                          runningLoss: lossSum / Double(seen), runningAccuracy: Double(correct) / Double(seen)))
        }
        display.finish()
        guard seen > 0 else { throw TrainingError.data("\(configuration.name): epoch \(epoch) produced no training batches (empty training set?)") }
        let test = processGroup.isPrimary ? try evaluate(epoch: epoch) : ConfusionMatrix(classNames: data.classNames)
        let record = EpochRecord(epoch: epoch, learningRate: learningRate, trainLoss: lossSum / Double(seen),
                                 trainAccuracy: Double(correct) / Double(seen), testAccuracy: test.accuracy,
                                 testMeanClassAccuracy: test.meanClassAccuracy, seconds: Date().timeIntervalSince(start),
                                 peakResidentMegabytes: ResidentMemory.peakMegabytes())
        let memory = record.peakResidentMegabytes.map { ", peak RSS \(fixed($0, decimals: 0)) MB" } ?? ""
        display.message("\(label): loss \(fixed(record.trainLoss, decimals: 4)), train acc \(formatPercent(record.trainAccuracy)), test acc \(formatPercent(record.testAccuracy)) (mean class \(formatPercent(record.testMeanClassAccuracy))), lr \(Float(learningRate)), \(formatDuration(record.seconds))\(memory)")
        return record
    }

    /// Test-set confusion matrix with the model in evaluation mode, without recording.
    @discardableResult
    public func evaluate(epoch: Int) throws -> ConfusionMatrix {
        model.isTraining = false
        defer { model.isTraining = true }
        var generator = Self.generator(seed: configuration.seed, epoch: 0, purpose: Seeds.Purpose.evaluation)
        var confusion = ConfusionMatrix(classNames: data.classNames)
        let batches = try data.testBatches(batchSize: configuration.batchSize)
        try Graph.withoutRecording {
            while let batch = try batches.next() {
                let probabilities = model.probabilities(images: batch.images, generator: &generator)
                confusion.add(truths: batch.labels, predictions: predictedClasses(probabilities.scalars, classCount: data.classNames.count))
            }
        }
        lastConfusion = confusion
        return confusion
    }
}
