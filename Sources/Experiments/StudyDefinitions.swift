import ArgumentParser
import Foundation

/// How big a study's runs are: `full` is what Documentation/Reproducing.md reports, `quick`
/// a tiny grid (a few images, one or two epochs) that checks the runner end to end in seconds.
public enum StudyScale: String, CaseIterable, ExpressibleByArgument, Sendable {
    case quick, full
}

/// One cell of a study's grid: a method and the settings that differ from the study's base.
public struct StudyCell: Sendable {
    public var name: String
    public var method: MethodName
    public var adjust: @Sendable (inout ExperimentSettings) -> Void
    /// Another loss on the baseline's model instead of `method`'s objective (StudyCell+Baselines.swift).
    public var baseline: BaselineLoss?
    /// Start from the backbone of the study's pretraining run (`Study.pretraining`), as `--pretrained` would.
    public var startsFromPretraining = false

    public init(_ name: String, method: MethodName, adjust: @escaping @Sendable (inout ExperimentSettings) -> Void = { _ in }) {
        self.name = name
        self.method = method
        self.adjust = adjust
    }
}

/// A paired difference a study reports: `cell` minus `reference`, seed by seed (at each seed
/// both cells train on the same noisy labels).
public struct StudyComparison: Sendable, Equatable {
    public var cell: String
    public var reference: String

    public init(_ cell: String, against reference: String) {
        self.cell = cell
        self.reference = reference
    }
}

/// A named grid of cells, each trained once per seed on the built-in data (or `--data`).
public struct Study: Sendable {
    public var name: String
    public var title: String
    public var cells: [StudyCell]
    public var seeds: [UInt64]
    /// Settings every cell starts from (epochs, schedule, noise), applied over the data set's defaults.
    public var base: @Sendable (inout ExperimentSettings) -> Void
    /// Train on this many images of the training set (a fixed, class-stratified choice); nil: all.
    public var trainingSubset: Int?
    /// Test on this many images of the test set; nil: all.
    public var testSubset: Int?
    /// After every epoch, measure how well the model fits the noisy labels it was trained on,
    /// flipped and kept apart (`StudyRunner.TrainingFit`).
    public var probesTrainingFit = false
    /// After training, average HUM's learned logit correlations per class pair (`--noise-mode pairs`).
    public var measuresNoiseCorrelation = false
    /// A run trained before the cells, on another data set, whose backbone the cells marked
    /// `startsFromPretraining` start from (StudyPretraining.swift).
    public var pretraining: StudyPretraining?
    /// The paired differences the study reports (`StudyReport.differences`); nil: every cell
    /// against the first.
    public var comparisons: [StudyComparison]?

    /// The studies `Example-Tables --study` offers, by name.
    public static let names = ["seeds", "noise-levels", "objectives", "memorisation", "pairs", "baselines", "ablations", "pretraining"]

    /// The study `name` at `scale`; nil for an unknown name.
    public static func named(_ name: String, scale: StudyScale) -> Study? {
        switch name {
        case "seeds": return seeds(scale)
        case "noise-levels": return noiseLevels(scale)  // StudyDefinitions+Tables.swift
        case "objectives": return objectives(scale)
        case "memorisation": return memorisation(scale)
        case "pairs": return pairs(scale)
        case "baselines": return baselines(scale)  // StudyDefinitions+Ablations.swift
        case "ablations": return ablations(scale)
        case "pretraining": return pretraining(scale)
        default: return nil
        }
    }

    /// Settings shared by every quick cell: a handful of small images, one or two epochs.
    static func quick(_ s: inout ExperimentSettings, epochs: Int) {
        s.epochs = epochs
        s.warmupEpochs = min(s.warmupEpochs, max(0, epochs - 1))
        s.backbone = .small
        s.imageSize = 32
        s.batchSize = 16
        s.trainingMCSamples = 8
        s.evaluationMCSamples = 8
    }

    /// A study of the main job itself: at full scale its data, epochs and settings as
    /// `Example-RAFDB` runs them without flags, on `fullSeeds`; at the quick scale the tiny grid.
    /// `settings` changes what every cell shares (the noise, say), at both scales.
    static func onMainJob(_ name: String, title: String, cells: [StudyCell], fullSeeds: [UInt64], scale: StudyScale,
                          settings: @escaping @Sendable (inout ExperimentSettings) -> Void = { _ in }) -> Study {
        let full = scale == .full
        return Study(name: name, title: title, cells: cells, seeds: full ? fullSeeds : [0, 1],
                     base: { s in
                         if !full { quick(&s, epochs: 1) }
                         settings(&s)
                     },
                     trainingSubset: full ? nil : 48, testSubset: full ? nil : 24)
    }

    /// Whether the main job's runs learn for every seed: CE and LRN under the defaults (Adam to
    /// 0.003 after a 5-epoch warm-up, a cosine decay) and under the previous defaults (Adam 0.003
    /// from the first step, ×0.1 after epoch 10), where one seed in five stayed at the class prior
    /// (Documentation/Reproducing.md, "Seeds").
    static func seeds(_ scale: StudyScale) -> Study {
        let step: @Sendable (inout ExperimentSettings) -> Void = { s in
            s.schedule = .step
            s.warmupEpochs = 0
        }
        var study = onMainJob(
            "seeds", title: "Main job, final test accuracy by seed",
            cells: [
                StudyCell("ce", method: .ce),
                StudyCell("lrn", method: .humCLD),
                StudyCell("ce step (previous defaults)", method: .ce, adjust: step),
                StudyCell("lrn step (previous defaults)", method: .humCLD, adjust: step),
            ],
            fullSeeds: [0, 1, 2, 7, 11], scale: scale)
        study.comparisons = [.init("lrn", against: "ce"), .init("lrn step (previous defaults)", against: "ce step (previous defaults)"),
                             .init("ce", against: "ce step (previous defaults)"), .init("lrn", against: "lrn step (previous defaults)")]
        return study
    }

    /// The main job with its fit to the noisy labels probed after every epoch, flipped and kept
    /// apart: under its defaults both methods first learn the clean signal, then fit the flipped
    /// labels (training accuracy on the noisy labels ends above the 70 % that are right) while
    /// their test accuracy stops rising (Documentation/Reproducing.md, "Memorisation"). Before the
    /// fifth round this study ran 200 images of 32×32 at a constant rate of 0.001 for 15 epochs,
    /// where neither method learnt anything that carried to the test set.
    static func memorisation(_ scale: StudyScale) -> Study {
        var study = onMainJob(
            "memorisation", title: "Memorisation: the main job's fit to flipped and kept labels",
            cells: [StudyCell("ce", method: .ce), StudyCell("lrn", method: .humCLD)], fullSeeds: [0, 1, 2], scale: scale)
        study.base = { s in
            s.noise = 0.3  // the main job's, also with --data
            if scale == .quick { quick(&s, epochs: 2) }
        }
        study.probesTrainingFit = true
        study.comparisons = [.init("lrn", against: "ce")]
        return study
    }

    /// The look-alike pairs of the synthetic faces flipped to each other, on the main job (its
    /// data, epochs and defaults): does LRN beat CE under class-dependent noise, and does HUM's
    /// learned covariance point at the flipped pairs? (Before the sixth round: HUM alone on 600
    /// images of 32×32 for 8 epochs, where it memorised without generalising.)
    static func pairs(_ scale: StudyScale) -> Study {
        var study = onMainJob(
            "pairs", title: "Class-dependent noise: 30 % of each look-alike pair flipped to its partner",
            cells: [StudyCell("ce", method: .ce), StudyCell("lrn", method: .humCLD)], fullSeeds: [0, 1, 2], scale: scale) { s in
            s.noise = 0.3
            s.noiseMode = .pairs
            s.noisePairs = lookAlikePairs
        }
        study.measuresNoiseCorrelation = true
        study.comparisons = [.init("lrn", against: "ce")]
        return study
    }

    /// The synthetic faces' look-alike pairs (their largest confusions), both ways.
    public static let lookAlikePairs = "disgust:anger,anger:disgust,fear:surprise,surprise:fear,sadness:neutral,neutral:sadness"

    /// The paper's backbone was pretrained on faces. The analogue here: the main job's settings
    /// on 6,000 clean synthetic images of other identities (pretraining run, seed 0), then CE and
    /// LRN on the noisy built-in data from that backbone, fine-tuned with Adam at 0.0003 (a tenth
    /// of the main job's rate, cosine decay, no warm-up), beside CE and LRN from scratch.
    static func pretraining(_ scale: StudyScale) -> Study {
        let full = scale == .full
        let fineTune: @Sendable (inout ExperimentSettings) -> Void = { s in
            s.learningRate /= 10
            s.warmupEpochs = 0
        }
        var ce = StudyCell("ce pretrained", method: .ce, adjust: fineTune)
        var lrn = StudyCell("lrn pretrained", method: .humCLD, adjust: fineTune)
        ce.startsFromPretraining = true
        lrn.startsFromPretraining = true
        var study = onMainJob(
            "pretraining", title: "Main job from a backbone pretrained on clean faces of other identities",
            cells: [StudyCell("ce", method: .ce), StudyCell("lrn", method: .humCLD), ce, lrn],
            fullSeeds: [0, 1, 2], scale: scale)
        study.comparisons = [.init("lrn", against: "ce"), .init("lrn pretrained", against: "ce pretrained"),
                             .init("ce pretrained", against: "ce"), .init("lrn pretrained", against: "lrn")]
        study.pretraining = StudyPretraining(
            data: full ? .init(trainCount: 6000, testCount: 600, seed: 1) : .init(trainCount: 48, testCount: 16, imageSize: 32, seed: 1))
        return study
    }
}
