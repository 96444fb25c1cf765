extension Study {
    /// The paper's Table 1 on the built-in data, with seeds: CE and LRN (HUM + CLD) on the main
    /// job at 10, 20 and 30 % label noise (`--noise-mode paper`). The 30 % cells are the main job.
    static func noiseLevels(_ scale: StudyScale) -> Study {
        let levels = [0.1, 0.2, 0.3]
        func cell(_ name: String, _ method: MethodName, _ noise: Double) -> StudyCell {
            StudyCell("\(name) noise \(noise)", method: method) { $0.noise = noise }
        }
        var study = onMainJob(
            "noise-levels", title: "Table 1 on the built-in data: CE and LRN at 10, 20 and 30 % label noise",
            cells: levels.flatMap { [cell("ce", .ce, $0), cell("lrn", .humCLD, $0)] }, fullSeeds: [0, 1, 2], scale: scale)
        study.comparisons = levels.map { StudyComparison("lrn noise \($0)", against: "ce noise \($0)") }
        return study
    }

    /// The paper's Table 2 (and Table 3's last row) on the built-in data, with seeds: the four
    /// objectives on clean labels, each against CE.
    static func objectives(_ scale: StudyScale) -> Study {
        onMainJob("objectives", title: "Table 2 on the built-in data: the four objectives on clean labels",
                  cells: MethodName.paper.map { StudyCell($0.rawValue, method: $0) }, fullSeeds: [0, 1, 2], scale: scale) { $0.noise = 0 }
    }
}
