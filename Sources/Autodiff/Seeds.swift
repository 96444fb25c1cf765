/// Derives independent seeds from a run seed and coordinates (epoch, sample position, …), so
/// that a random choice depends only on where it is made, never on thread timing or on how
/// many draws happened before it. The package's one seed derivation: the training loop, the
/// model's initial weights, FERData's loader, sampler and generator, Inference's prediction and
/// audit use it. Nothing else mixes a seed (no `seed ^ constant`, no `seed + fold`).
public enum Seeds {
    public static func derive(_ seed: UInt64, _ parts: UInt64...) -> UInt64 {
        let mix = RandomGenerator.mix
        var h = mix(seed ^ 0x5851_F42D_4C95_7F2D)
        for part in parts { h = mix(h ^ mix(part &+ 0x9E37_79B9_7F4A_7C15)) }
        return h
    }

    /// A stream's first coordinate, naming what it is for, so two uses of one seed never share a
    /// stream. The values spell their name in ASCII; all of them are here, in one place, and
    /// must stay distinct (SeedsTests checks). Streams keyed by (epoch, position) alone, the
    /// loader's per-sample augmentation, need no purpose: epochs and positions are far below these.
    public enum Purpose {
        /// The model's initial weights (Experiments' `ModelFactory`).
        public static let modelInitialization: UInt64 = 0x4D4F_4445_4C00      // "MODEL"
        /// The training loop's per-epoch draws (HUM's Monte-Carlo samples, dropout): (seed, this, epoch).
        public static let trainingStep: UInt64 = 0x5452_4149_4E00             // "TRAIN"
        /// The training loop's draws when evaluating on the test set (the same for every epoch).
        public static let evaluation: UInt64 = 0x4556_414C_00                 // "EVAL"
        /// The training run of one fold of a cross-validated label audit: (seed, this, fold).
        public static let auditFoldTraining: UInt64 = 0x464F_4C44             // "FOLD"
        /// The shuffled batch order of an epoch: (seed, this, epoch).
        public static let shuffle: UInt64 = 0x5348_5546                       // "SHUF"
        /// The class-balanced batch order of an epoch: (seed, this, epoch).
        public static let classBalancedOrder: UInt64 = 0x4241_4C41            // "BALA"
        /// The synthetic data set's faces: (data seed, this, split, index).
        public static let syntheticFace: UInt64 = 0x4641_4345                 // "FACE"
        /// The study's fixed training subset.
        public static let studySubset: UInt64 = 0x5355_4253                   // "SUBS"
        /// The study's fit to flipped and kept labels after an epoch: (seed, this, epoch).
        public static let studyFit: UInt64 = 0x4649_54                        // "FIT"
        /// Which fold each sample of a label audit is held out in.
        public static let auditFolds: UInt64 = 0xA0D17

        /// Every purpose, for the distinctness check.
        public static let all: [UInt64] = [modelInitialization, trainingStep, evaluation, auditFoldTraining, shuffle,
                                           classBalancedOrder, syntheticFace, studySubset, studyFit, auditFolds]
    }
}
