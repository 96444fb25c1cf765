import Autodiff
import FERData
import Foundation
import Layers
import LRN
import Training

extension DatasetKind {
    /// The data set's name as the paper writes it.
    public var displayName: String {
        switch self {
        case .rafDB: return "RAF-DB"
        case .affectNet: return "AffectNet"
        case .ferPlus: return "FERPlus"
        case .imageFolder: return "ImageFolder"
        }
    }
}

/// Every setting of a run, resolved: the command line where given, else the protocol default
/// of the data set (Documentation/Method.md, "Training protocol"), else the quick defaults of the built-in synthetic data set.
public struct ExperimentSettings: Equatable, Sendable {
    public var dataset: DatasetKind
    /// The data folder; nil for the built-in synthetic RAF-DB.
    public var dataPath: String?
    public var methods: [MethodName]
    public var noise: Double
    public var noiseMode: NoiseOption
    public var noisePairs: String?
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var optimizer: OptimizerChoice
    /// SGD's momentum and weight decay (the paper: 0.9, 1e-4). Adam uses no weight decay.
    public var momentum: Double
    public var weightDecay: Double
    public var decayEvery: Int
    public var decayFactor: Double
    /// `.step`: ×`decayFactor` every `decayEvery` epochs; `.cosine`: to 0 over `epochs` after `warmupEpochs`.
    public var schedule: ScheduleChoice = .step
    public var warmupEpochs: Int = 0
    public var classBalancedSampling: Bool
    public var backbone: BackboneChoice
    public var imageSize: Int
    public var trainingMCSamples: Int
    public var evaluationMCSamples: Int
    public var temperature: Double
    /// HUM's initial logit-noise std (`HeteroscedasticHead.initializeNoiseScale`); nil keeps
    /// PyTorch's default Linear init of FC2.
    public var humInitialNoiseScale: Double?
    /// Every residual block's last BatchNorm scale starts at 0 (`ResNet.zeroInitializeResidualScales`).
    public var zeroInitResidual: Bool = false
    /// How the HUM objectives predict at evaluation.
    public var prediction: PredictionChoice
    public var lambda: Double
    /// Std of the CLD centres' initial N(0, s²) draw (`--cld-center-scale`, `CLDLoss`'s `centerScale`). Default 1.
    public var cldCenterScale: Double = 1
    public var seed: UInt64
    public var pretrained: String?
    public var output: String
    public var resume: Bool
    /// Start afresh over an earlier run's checkpoint or results in `output` (`--overwrite`).
    public var overwrite: Bool = false
    public var threads: Int?
    /// `--align`: train on MTCNN-aligned crops of the photos, cached in `alignCache`
    /// (nil: `ExperimentRunner.alignedFacesFolder`).
    public var align: Bool = false
    public var alignCache: String?
    /// `--sync-batch-norm`: batch norm over the global batch when several processes train.
    public var synchronizeBatchNorm: Bool = false

    public var usesBuiltInData: Bool { dataPath == nil }

    /// Resolves the options for `dataset`. `--data` absent means the built-in data (RAF-DB layout
    /// only). `customMethods`: the names `--method` accepts besides the paper's four.
    public static func resolve(_ o: ExperimentOptions, dataset: DatasetKind, customMethods: [MethodName] = []) throws -> ExperimentSettings {
        try checkMethodNames(o.method?.methods ?? [], offered: customMethods)
        let builtIn = o.data == nil
        if builtIn && dataset != .rafDB {
            throw TrainingError.invalidOption("--data is required for \(dataset.displayName): point it at the data set's root folder (see Documentation/GettingStarted.md). Only Example-RAFDB (and Example-Tables, for its RAF-DB columns) has a built-in synthetic data set.")
        }
        if builtIn && o.align {
            throw TrainingError.invalidOption("--align needs --data: it aligns the faces of a data set's photos, and the built-in data set is made of aligned faces already")
        }
        let adam = dataset == .affectNet
        // The built-in run trains from scratch in minutes: Adam (the paper's AffectNet
        // optimiser) learns the small network far faster there than SGD at any rate we tried.
        let optimizer = o.optimizer ?? (adam || builtIn ? .adam : .sgd)
        let defaultMethods: [MethodName] = builtIn ? [.ce, .humCLD] : [.humCLD]
        var settings = ExperimentSettings(
            dataset: dataset,
            dataPath: o.data,
            methods: o.method?.methods ?? defaultMethods,
            noise: o.noise ?? (builtIn ? 0.3 : 0),
            noiseMode: o.noiseMode,
            noisePairs: o.noisePairs,
            // The paper does not state the number of epochs; 30 covers three steps of its
            // ×0.1-every-10-epochs schedule. The built-in run is sized to finish in minutes.
            epochs: o.epochs ?? (builtIn ? BuiltIn.epochs : 30),
            batchSize: o.batchSize ?? (builtIn ? BuiltIn.batchSize : 64),
            learningRate: o.lr ?? (builtIn ? BuiltIn.learningRate : 1e-4),
            optimizer: optimizer,
            momentum: 0.9,
            weightDecay: optimizer == .sgd ? 1e-4 : 0,
            decayEvery: 10,
            decayFactor: 0.1,
            classBalancedSampling: adam && !builtIn,
            backbone: o.backbone ?? (builtIn ? .small : .resnet18),
            imageSize: o.imageSize ?? (builtIn ? BuiltIn.imageSize : 112),
            trainingMCSamples: o.mcSamples ?? (builtIn ? BuiltIn.trainingMCSamples : 1000),
            evaluationMCSamples: o.mcSamples ?? (builtIn ? BuiltIn.trainingMCSamples : 1000),
            temperature: o.temperature,
            humInitialNoiseScale: o.humInitScale.map { $0 == 0 ? nil : $0 } ?? defaultHUMInitialNoiseScale,
            zeroInitResidual: o.zeroInitResidual ?? false,
            prediction: o.prediction,
            lambda: o.lambda,
            seed: o.seed,
            pretrained: o.pretrained,
            output: o.output ?? (builtIn ? "runs/built-in-rafdb" : "runs/\(dataset.rawValue)"),
            resume: o.resume,
            overwrite: o.overwrite,
            threads: o.threads)
        settings.schedule = o.schedule ?? (builtIn ? BuiltIn.schedule : .step)
        settings.warmupEpochs = o.warmupEpochs
            ?? (builtIn && settings.schedule == .cosine ? BuiltIn.warmupEpochs(epochs: settings.epochs) : 0)
        if settings.warmupEpochs != 0 && settings.schedule != .cosine {
            throw TrainingError.invalidOption("--warmup-epochs \(settings.warmupEpochs): needs --schedule cosine")
        }
        settings.align = o.align
        settings.alignCache = o.alignCache
        settings.synchronizeBatchNorm = o.syncBatchNorm
        settings.cldCenterScale = o.cldCenterScale ?? 1
        return settings
    }

    /// HUM's initial logit-noise std when `--hum-init-scale` is not given (measured in
    /// Documentation/Reproducing.md, "HUM's initial noise scale").
    public static let defaultHUMInitialNoiseScale: Double? = 0.1

    /// The quick configuration of the main job on the built-in data (sized on 2 cores, see
    /// Documentation/Reproducing.md for the measurement).
    public enum BuiltIn {
        public static let epochs = 16
        /// Reached after a linear warm-up of `warmupEpochs(epochs:)`, then decayed to 0 along a
        /// cosine. Without the warm-up (Adam at 0.003 from the first step, ×0.1 after epoch 10, the
        /// defaults before) one seed in five stayed at the class prior for the whole run
        /// (Documentation/Reproducing.md, "Seeds").
        public static let learningRate = 0.003
        public static let schedule = ScheduleChoice.cosine
        /// 5 epochs, or one less than the run when it is shorter.
        public static func warmupEpochs(epochs: Int) -> Int { max(0, min(5, epochs - 1)) }
        public static let batchSize = 32
        public static let imageSize = 48
        public static let trainingMCSamples = 100
        public static let trainCount = 2000
        public static let testCount = 600
    }

    /// Refuses a `--method` name that is neither one of the paper's four nor in `offered`.
    public static func checkMethodNames(_ methods: [MethodName], offered: [MethodName]) throws {
        let known = MethodName.paper + offered
        if let unknown = methods.first(where: { !known.contains($0) }) {
            throw TrainingError.invalidOption("--method \(unknown): no such method; expected one of \(known.map(\.rawValue).joined(separator: ", ")), a comma-separated list of them, or all")
        }
    }

    /// The settings that decide `method`'s result, for the checkpoint fingerprint.
    public func fingerprint(for method: MethodName) -> RunFingerprint {
        var entries: [String: String] = [
            "dataset": dataset.displayName,
            "data": dataPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? "built-in synthetic RAF-DB",
            "method": method.rawValue,
            "noise": "\(noise)",
            "optimizer": optimizer.rawValue,
            "momentum": optimizer == .sgd ? "\(momentum)" : "-",
            "weight_decay": "\(weightDecay)",
            "class_balanced_sampling": "\(classBalancedSampling)",
            "backbone": backbone.rawValue,
            "image_size": String(imageSize),
            "pretrained": pretrained ?? "none",
        ]
        if zeroInitResidual { entries["zero_init_residual"] = "true" }
        if noise > 0 {
            entries["noise_mode"] = noiseMode.rawValue
            if noiseMode == .pairs { entries["noise_pairs"] = noisePairs ?? "" }
        }
        if method.usesHUM {
            entries["mc_samples"] = String(trainingMCSamples)
            entries["temperature"] = "\(temperature)"
            entries["hum_init_scale"] = humInitialNoiseScale.map { "\($0)" } ?? "linear"
        }
        if method.usesCLD { entries["lambda"] = "\(lambda)" }
        // Only when changed, so runs from before the setting existed keep their fingerprint.
        if method.usesCLD && cldCenterScale != 1 { entries["cld_center_scale"] = "\(cldCenterScale)" }
        if align { entries["align"] = "mtcnn" }
        return RunFingerprint(entries)
    }

    /// Where `method`'s checkpoint and reports go.
    public func runFolder(for method: MethodName) -> URL {
        ComparisonPlan.folder(for: method.rawValue, in: URL(fileURLWithPath: output))
    }

    /// How every method of these settings trains: the loop's part of the settings. Throws when
    /// `decayEvery` or `decayFactor` (public, so a caller may have changed them) is out of range.
    public func plan(resuming: Set<MethodName>, noiseMatrix: [[Int]]? = nil, notes: [String] = []) throws -> ComparisonPlan {
        let schedule = try learningRateSchedule()
        let noiseText = noise > 0 ? "\(fixed(noise * 100, decimals: 0)) % \(noiseMode.rawValue) label noise" : "clean labels"
        return ComparisonPlan(
            output: URL(fileURLWithPath: output), epochs: epochs, batchSize: batchSize, learningRate: learningRate,
            schedule: schedule, seed: seed,
            makeOptimizer: { try makeOptimizer(parameters: $0) }, checkpoints: true,
            resuming: Set(resuming.map(\.rawValue)), overwrite: overwrite, noiseMatrix: noiseMatrix,
            title: "\(usesBuiltInData ? "Built-in synthetic RAF-DB" : dataset.displayName), \(noiseText): test accuracy (%) after \(epochs) epochs",
            notes: notes)
    }

    var scheduleSummary: String {
        switch schedule {
        case .step: return "×\(decayFactor) every \(decayEvery) epochs"
        case .cosine: return "\(warmupEpochs > 0 ? "\(warmupEpochs)-epoch linear warm-up, then " : "")cosine to 0 over \(epochs) epochs"
        }
    }

    /// One line per setting, for the start of a run's log.
    public var summary: String {
        var lines = [
            "data:       \(dataPath ?? "built-in synthetic RAF-DB (generated on first use)") [\(dataset.displayName) layout]",
            "methods:    \(methods.map(\.rawValue).joined(separator: ", "))",
            "noise:      \(noise == 0 ? "none" : "\(fixed(noise * 100, decimals: 0)) % (\(noiseMode.rawValue)\(noisePairs.map { " " + $0 } ?? ""))")",
            "backbone:   \(backbone.rawValue)\(pretrained.map { " from \($0)" } ?? " from scratch"), images \(imageSize)×\(imageSize)\(zeroInitResidual ? ", residual blocks' last BN scale at 0" : "")",
            "optimizer:  \(optimizer.rawValue)\(optimizer == .sgd ? " momentum \(momentum)" : "") lr \(learningRate) (\(scheduleSummary)), weight decay \(weightDecay), batch \(batchSize)\(classBalancedSampling ? ", class-balanced batches" : "")",
            "epochs:     \(epochs)",
            "HUM:        S = \(trainingMCSamples) samples, T = \(temperature), initial noise \(humInitialNoiseScale.map { "std \($0), FC2 weights 0" } ?? "from FC2's Linear init"), \(prediction == .mc ? "Monte-Carlo" : "mean-logit") prediction; CLD λ₁ = \(lambda)\(cldCenterScale == 1 ? "" : ", centres N(0, \(cldCenterScale)²)")",
            "seed:       \(seed)",
            "output:     \(output)",
        ]
        if align { lines.append("align:      MTCNN faces, crops cached in \(alignCache ?? ExperimentRunner.alignedFacesFolder)") }
        if let threads { lines.append("threads:    \(threads)") }
        return lines.joined(separator: "\n")
    }

    /// The schedule of `schedule`: StepDecay, or CosineAnnealing over `epochs` with `warmupEpochs`.
    public func learningRateSchedule() throws -> any LearningRateSchedule {
        switch schedule {
        case .step:
            do {
                return try StepDecay(stepSize: decayEvery, gamma: decayFactor)
            } catch {
                throw TrainingError.invalidOption("ExperimentSettings.decayEvery \(decayEvery), decayFactor \(decayFactor): \(error)")
            }
        case .cosine:
            do {
                return try CosineAnnealing(totalEpochs: epochs, warmupEpochs: warmupEpochs)
            } catch {
                throw TrainingError.invalidOption("--warmup-epochs \(warmupEpochs) with --epochs \(epochs): \(error)")
            }
        }
    }

    /// The run's optimiser over `parameters`: SGD with momentum and weight decay, or Adam.
    public func makeOptimizer(parameters: [Tensor<Float>]) throws -> any Optimizer<Float> {
        switch optimizer {
        case .sgd: return try SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adam: return try Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        }
    }
}
