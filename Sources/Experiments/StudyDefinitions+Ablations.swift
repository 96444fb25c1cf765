extension Study {
    /// The losses a user tries first against label noise beside CE and LRN, on the main job's
    /// data, epochs and settings (whatever `Example-RAFDB` uses without flags). The three CE-like
    /// cells share the CE model's initial weights at each seed: only the loss differs.
    static func baselines(_ scale: StudyScale) -> Study {
        onMainJob(
            "baselines", title: "Main job: CE, label smoothing, GCE and LRN",
            cells: [
                StudyCell("ce", method: .ce),
                StudyCell("ce+ls 0.1", baseline: .labelSmoothing(0.1)),
                StudyCell("gce q 0.7", baseline: .generalizedCrossEntropy(q: 0.7)),
                StudyCell("lrn", method: .humCLD),
            ],
            fullSeeds: [0, 1, 2], scale: scale)
    }

    /// LRN (HUM + CLD) on the main job with one factor changed per cell, each below and above
    /// its default: the temperature T (training and evaluation), the Monte-Carlo samples S at
    /// training (evaluation keeps its own), HUM's initial noise scale (0.1; FC2's Linear init
    /// starts near 1, measured in Documentation/Reproducing.md, "HUM's initial noise scale"),
    /// λ₁ and the std of the CLD centres' initial draw.
    static func ablations(_ scale: StudyScale) -> Study {
        onMainJob(
            "ablations", title: "Main job, LRN (HUM + CLD): one factor changed per cell",
            cells: [
                StudyCell("lrn", method: .humCLD),
                StudyCell("T 0.35", method: .humCLD) { $0.temperature = 0.35 },
                StudyCell("T 1.4", method: .humCLD) { $0.temperature = 1.4 },
                StudyCell("S 10", method: .humCLD) { $0.trainingMCSamples = 10 },
                StudyCell("S 1000", method: .humCLD) { $0.trainingMCSamples = 1000 },
                StudyCell("hum-init 0.01", method: .humCLD) { $0.humInitialNoiseScale = 0.01 },
                StudyCell("hum-init 1", method: .humCLD) { $0.humInitialNoiseScale = 1 },
                StudyCell("lambda 0.3", method: .humCLD) { $0.lambda = 0.3 },
                StudyCell("lambda 3", method: .humCLD) { $0.lambda = 3 },
                StudyCell("centres 0.1", method: .humCLD) { $0.cldCenterScale = 0.1 },
                StudyCell("centres 10", method: .humCLD) { $0.cldCenterScale = 10 },
            ],
            fullSeeds: [0, 1, 2], scale: scale)
    }
}
