import ArgumentParser
import Foundation
import LRN

/// A method `--method` names: one of the paper's four objectives (LRN's `Objective`, written
/// in lower case: ce, ce+cld, hum, hum+cld) or a method the caller adds (`ExperimentRunner.run`'s
/// `customMethods`, e.g. a new loss). The name is also the run's folder and file name.
public struct MethodName: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { rawValue = name }
    public init(objective: Objective) { rawValue = objective.rawValue.lowercased() }

    public static let ce = MethodName(objective: .crossEntropy)
    public static let ceCLD = MethodName(objective: .crossEntropyWithCLD)
    public static let hum = MethodName(objective: .hum)
    public static let humCLD = MethodName(objective: .humWithCLD)
    /// The four objectives of the paper's ablation, in its order (`--method all`).
    public static let paper: [MethodName] = Objective.allCases.map(MethodName.init(objective:))

    /// The paper's objective of this name; nil for a caller's own method.
    public var objective: Objective? { Objective.allCases.first { $0.rawValue.lowercased() == rawValue } }
    /// The paper's name for the row (Table 2), or the name itself.
    public var paperName: String { objective?.paperName ?? rawValue }
    public var usesHUM: Bool { objective?.usesHUM ?? false }
    public var usesCLD: Bool { objective?.usesCLD ?? false }
    public var description: String { rawValue }
    public static func < (a: MethodName, b: MethodName) -> Bool { a.rawValue < b.rawValue }
}

extension Objective {
    /// The paper's name for the row (Table 2).
    public var paperName: String {
        switch self {
        case .crossEntropy: return "Baseline (L_ce)"
        case .crossEntropyWithCLD: return "Baseline (L_ce + L_cld)"
        case .hum: return "LRN (L_cls)"
        case .humWithCLD: return "LRN (L_cls + L_cld)"
        }
    }
}

/// `--method`: one name, a comma-separated list (`ce,hum+cld`), or `all` for the four of the
/// ablation. Names are checked against the methods a run offers when it starts.
public struct MethodChoice: ExpressibleByArgument, Equatable, Sendable {
    public let methods: [MethodName]
    public init(_ methods: [MethodName]) { self.methods = methods }
    public init?(argument: String) {
        if argument == "all" {
            methods = MethodName.paper
            return
        }
        var list: [MethodName] = []
        for name in argument.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "+-_.".contains($0) }) else { return nil }
            let method = MethodName(name)
            if !list.contains(method) { list.append(method) }
        }
        guard !list.isEmpty else { return nil }
        methods = list
    }
    public static var allValueStrings: [String] { MethodName.paper.map(\.rawValue) + ["all"] }
    public static let all = MethodChoice(MethodName.paper)
}

public enum NoiseOption: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The paper's: per class, an exact fraction of its samples gets a uniformly drawn other label.
    case paper
    /// SCN's script: each sample is flipped independently with the given probability.
    case scn
    /// Class-dependent: a fraction of class a flipped to a named partner b (`--noise-pairs`).
    case pairs
}

/// How HUM objectives predict at evaluation (`LRNPrediction.Method`).
public enum PredictionChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// p' = mean over S draws of softmax((d + Lε)/T), the paper's prediction.
    case mc
    /// softmax(d/T): no sampling.
    case mean
}

public enum OptimizerChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    case sgd, adam
}

public enum BackboneChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    case resnet18, small
}

/// How the learning rate changes over the epochs: the paper's ×0.1 steps, or a cosine decay to 0.
public enum ScheduleChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    case step, cosine
}

/// The flags every example shares. Options left unset take the data set's protocol default
/// (see `ExperimentDefaults`).
public struct ExperimentOptions: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("The data set's root folder, in its published layout. Required, except by Example-RAFDB and Example-Tables, which without it generate and use a built-in synthetic data set in RAF-DB's layout.", valueName: "path"))
    public var data: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Fraction of training labels to corrupt, in [0, 1) (0.3 = 30 %). The test set is never touched. Default: 0 with --data, 0.3 on the built-in data.", valueName: "fraction"))
    public var noise: Double?

    @Option(name: .customLong("noise-mode"), help: "How noisy labels are drawn: paper (exact fraction per class, uniform other label), scn (each sample flipped with that probability), pairs (class a flipped to partner b, see --noise-pairs).")
    public var noiseMode: NoiseOption = .paper

    @Option(name: .customLong("noise-pairs"), help: ArgumentHelp("For --noise-mode pairs: comma-separated source:target class names, e.g. disgust:anger,anger:disgust.", valueName: "pairs"))
    public var noisePairs: String?

    @Option(help: ArgumentHelp("Objective: ce (baseline), ce+cld, hum, hum+cld (LRN), a method the program adds (see Documentation/BuildingANoisyLabelModel.md), a comma-separated list of them, or all four of the paper. Default: hum+cld with --data, ce,hum+cld on the built-in data.", valueName: "method"))
    public var method: MethodChoice?

    @Option(parsing: .unconditional, help: "Number of training epochs. Default: 30 with --data, \(ExperimentSettings.BuiltIn.epochs) on the built-in data.")
    public var epochs: Int?

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Images per batch. Default: 64 with --data, \(ExperimentSettings.BuiltIn.batchSize) on the built-in data.")
    public var batchSize: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Initial learning rate, which --schedule then lowers. Default: 1e-4 with --data, \(ExperimentSettings.BuiltIn.learningRate) on the built-in data.", valueName: "rate"))
    public var lr: Double?

    @Option(help: "Learning-rate schedule: step (×0.1 every 10 epochs, the paper's) or cosine (a cosine decay to 0 over --epochs, after --warmup-epochs). Default: step with --data, cosine on the built-in data.")
    public var schedule: ScheduleChoice?

    @Option(name: .customLong("warmup-epochs"), parsing: .unconditional, help: ArgumentHelp("With --schedule cosine: epochs of linear warm-up before the decay (epoch k of w uses (k+1)/(w+1) of the rate). Default: 0 with --data, 5 on the built-in data (at most --epochs − 1).", valueName: "epochs"))
    public var warmupEpochs: Int?

    @Option(help: "Optimiser: sgd (momentum 0.9, weight decay 1e-4) or adam (no weight decay). Default: adam for AffectNet and the built-in data, else sgd.")
    public var optimizer: OptimizerChoice?

    @Option(help: "Backbone: resnet18 (the paper's) or small (a narrow ResNet for quick runs on a CPU). Default: resnet18 with --data, small on the built-in data.")
    public var backbone: BackboneChoice?

    @Option(name: .customLong("image-size"), parsing: .unconditional, help: ArgumentHelp("Side of the square training and test images in pixels. Default: 112 with --data, \(ExperimentSettings.BuiltIn.imageSize) on the built-in data.", valueName: "pixels"))
    public var imageSize: Int?

    @Option(name: .customLong("mc-samples"), parsing: .unconditional, help: ArgumentHelp("Monte-Carlo samples S of HUM's logits, at training and at evaluation (--prediction mc). Default: 1000 with --data, \(ExperimentSettings.BuiltIn.trainingMCSamples) on the built-in data.", valueName: "S"))
    public var mcSamples: Int?

    @Option(name: .customLong("hum-init-scale"), parsing: .unconditional, help: ArgumentHelp("Initial std of HUM's logit noise before /T: FC2 starts at zero weights with L(x) = scale·I. 0 keeps PyTorch's default Linear init of FC2 (noise std ≈ 1 at the start on the built-in run). Default: \(ExperimentSettings.defaultHUMInitialNoiseScale.map { "\($0)" } ?? "0").", valueName: "scale"))
    public var humInitScale: Double?

    @Option(name: .customLong("zero-init-residual"), help: ArgumentHelp("Start every residual block's last BatchNorm scale at 0, so each block starts as the identity (ignored with --pretrained, whose file sets them).", valueName: "true|false"))
    public var zeroInitResidual: Bool?

    @Option(help: "How HUM predicts at evaluation: mc (the paper's Monte-Carlo p', S = --mc-samples draws) or mean (softmax(d/T), no sampling). Not part of the checkpoint's fingerprint, so --resume on a finished run re-evaluates it the other way.")
    public var prediction: PredictionChoice = .mc

    @Option(parsing: .unconditional, help: ArgumentHelp("Softmax temperature T of HUM.", valueName: "T"))
    public var temperature: Double = 0.7

    @Option(name: .customLong("lambda"), parsing: .unconditional, help: ArgumentHelp("Weight λ₁ of the CLD loss.", valueName: "λ"))
    public var lambda: Double = 1

    @Option(name: .customLong("cld-center-scale"), parsing: .unconditional, help: ArgumentHelp("Std of the CLD centres' initial N(0, scale²) draw; keep it at the scale of the features. Default: 1.", valueName: "scale"))
    public var cldCenterScale: Double?

    @Option(parsing: .unconditional, help: "Seed of every random choice (initialisation, noise, shuffling, augmentation, sampling).")
    public var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Backbone weights to start from: a safetensors file with torchvision names (e.g. a ResNet18 pretrained on MS-Celeb-1M); a classifier fc.* in it is ignored, NaN or infinite values are refused.", valueName: "file"))
    public var pretrained: String?

    @Option(help: ArgumentHelp("Folder for checkpoints, results (JSON, CSV) and pictures (SVG). Default: runs/<data set>, runs/built-in-rafdb on the built-in data (Example-Tables: runs/tables, runs/tables-built-in).", valueName: "dir"))
    public var output: String?

    @Flag(help: "Continue the run whose checkpoint is in --output (refused if it was written by another model or configuration, if it holds more epochs than --epochs, or if --output holds no checkpoint).")
    public var resume = false

    @Flag(help: "Start afresh in an --output folder that holds an earlier run's checkpoint or results, replacing them. Without --resume or --overwrite such a folder is refused.")
    public var overwrite = false

    @Option(parsing: .unconditional, help: "Worker threads for the kernels (default: all cores).")
    public var threads: Int?

    @Flag(name: .customLong("sync-batch-norm"), help: "Under mpirun with more than one process: batch norm with the global batch's statistics, summed over the processes, so that training does not depend on their number (Documentation/Distributed.md). Off: each process normalises its own shard, as PyTorch's DistributedDataParallel does without SyncBatchNorm.")
    public var syncBatchNorm = false

    @Flag(help: "Detect and align the faces of the data set's photos with MTCNN before training (ImageFolder, RAF-DB's Image/original, AffectNet's full images; not FERPlus): the crops are made once and cached (--align-cache), photos without a face are skipped and listed in <output>/alignment-report.csv. See Documentation/Faces.md.")
    public var align = false

    @Option(name: .customLong("align-cache"), help: ArgumentHelp("Folder of the aligned crops --align makes and reuses. Default: aligned-faces in $LRN_CACHE, else in $XDG_CACHE_HOME/lrn, else in ~/.cache/lrn.", valueName: "dir"))
    public var alignCache: String?

    public mutating func validate() throws {
        if let noise, !(noise >= 0 && noise < 1) {
            throw ValidationError("--noise must be a fraction in [0, 1), e.g. 0.3 for 30 %; got \(noise)")
        }
        if noiseMode == .pairs {
            guard noisePairs != nil else { throw ValidationError("--noise-mode pairs needs --noise-pairs, e.g. --noise-pairs disgust:anger,anger:disgust") }
        }
        if let pairs = noisePairs { _ = try Self.parsePairs(pairs) }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1; got \(epochs)") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1; got \(batchSize)") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number; got \(lr)") }
        if let imageSize, imageSize < 16 || imageSize > 1024 { throw ValidationError("--image-size must be between 16 and 1024 pixels; got \(imageSize)") }
        if let mcSamples, mcSamples < 1 { throw ValidationError("--mc-samples must be at least 1; got \(mcSamples)") }
        if let humInitScale, !(humInitScale == 0 || (humInitScale > 0.001 && humInitScale.isFinite)) {
            throw ValidationError("--hum-init-scale must be 0 (PyTorch's Linear init) or above the diagonal floor 0.001; got \(humInitScale)")
        }
        if !(temperature > 0 && temperature.isFinite) { throw ValidationError("--temperature must be positive; got \(temperature)") }
        if !(lambda >= 0 && lambda.isFinite) { throw ValidationError("--lambda must be zero or positive; got \(lambda)") }
        if let cldCenterScale, !(cldCenterScale > 0 && cldCenterScale.isFinite) {
            throw ValidationError("--cld-center-scale must be a positive number; got \(cldCenterScale)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1; got \(threads)") }
        if alignCache != nil && !align { throw ValidationError("--align-cache is only used with --align; add --align, or drop --align-cache") }
        if resume && overwrite {
            throw ValidationError("--resume and --overwrite contradict each other: --resume continues the run in --output, --overwrite replaces it; give one")
        }
    }

    /// "disgust:anger,anger:disgust" → [("disgust", "anger"), ("anger", "disgust")] (names lower-cased).
    public static func parsePairs(_ text: String) throws -> [(source: String, target: String)] {
        try text.split(separator: ",").map { item in
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--noise-pairs: '\(item)' is not source:target (e.g. disgust:anger)")
            }
            guard parts[0] != parts[1] else { throw ValidationError("--noise-pairs: '\(item)' maps a class to itself") }
            return (parts[0], parts[1])
        }
    }
}

