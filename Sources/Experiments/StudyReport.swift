import Autodiff
import Foundation
import Layers
import Training

/// What a study writes: `runs.csv` (one row per run), `summary.csv` and the printed table (one
/// row per cell, mean ± std over seeds), `differences.csv` and its printed table (paired
/// differences between cells), `runs.json` (every run with its history), and SVG charts.
public enum StudyReport {
    /// A run sits at the class prior when its final test accuracy is within this of the
    /// majority class's share of the test set.
    public static let priorMargin = 0.05

    /// Writes the files into `output` and returns the printed table.
    @discardableResult
    public static func write(_ runs: [StudyRun], study: Study, scale: StudyScale, output: URL) throws -> ResultTable {
        try RunPreflight.createOutputFolder(output)
        let prefix = study.name
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(String(decoding: try encoder.encode(runs), as: UTF8.self), to: output.appendingPathComponent("\(prefix)-runs.json"))
        try writeAtomically(runTable(runs).csv(), to: output.appendingPathComponent("\(prefix)-runs.csv"))
        let table = summary(runs, study: study, scale: scale)
        try writeAtomically(table.csv(), to: output.appendingPathComponent("\(prefix)-summary.csv"))
        try writeAtomically(differences(runs, study: study).csv(), to: output.appendingPathComponent("\(prefix)-differences.csv"))
        let cells = study.cells.map(\.name)
        let finals = cells.map { cell in (name: cell, values: runs.filter { $0.cell == cell }.map(\.result.finalTestAccuracy)) }
        try writeAtomically(SVGCharts.spread(finals, title: "\(study.title): final test accuracy over \(study.seeds.count) seeds", yLabel: "final test accuracy"),
                            to: output.appendingPathComponent("\(prefix)-final.svg"))
        try writeAtomically(curves(runs, study: study), to: output.appendingPathComponent("\(prefix)-curves.svg"))
        if let heat = correlationChart(runs, study: study) {
            try writeAtomically(heat, to: output.appendingPathComponent("\(prefix)-correlation.svg"))
        }
        return table
    }

    /// mean ± std in percent, e.g. "65.33 ± 1.20 (5)".
    static func percentSpread(_ values: [Double]) -> String {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return "-" }
        return "\(fixed(100 * StudyStatistics.mean(finite), decimals: 2)) ± \(fixed(100 * StudyStatistics.standardDeviation(finite), decimals: 2))"
    }

    public static func atPrior(_ run: StudyRun) -> Bool { run.result.finalTestAccuracy <= run.majorityShare + priorMargin }

    /// The first epoch whose test accuracy is more than `priorMargin` above the majority share; nil if none.
    public static func escapeEpoch(_ run: StudyRun) -> Int? {
        run.result.history.first { $0.testAccuracy > run.majorityShare + priorMargin }?.epoch
    }

    static func runTable(_ runs: [StudyRun]) -> ResultTable {
        var table = ResultTable(title: "runs", columns: ["cell", "method", "seed", "epochs", "final test acc", "best test acc", "best epoch",
                                                         "final mean class acc", "final train acc (noisy)", "escape epoch",
                                                         "final flipped fit", "final kept fit", "spearman", "spearman (centred)"])
        for run in runs {
            let h = run.result.history
            let best = h.max { $0.testAccuracy < $1.testAccuracy }
            table.addRow([run.cell, run.method, String(run.seed), String(h.count), percentCell(h.last?.testAccuracy), percentCell(best?.testAccuracy),
                          best.map { String($0.epoch) } ?? "-", percentCell(h.last?.testMeanClassAccuracy), percentCell(h.last?.trainAccuracy),
                          escapeEpoch(run).map(String.init) ?? "-", percentCell(run.trainingFit?.last?.flippedFitNoisy),
                          percentCell(run.trainingFit?.last?.keptFit), run.noiseCorrelation.map { fixed($0.spearman, decimals: 3) } ?? "-",
                          run.noiseCorrelation.map { fixed($0.centredSpearman, decimals: 3) } ?? "-"])
        }
        return table
    }

    /// One row per cell, mean ± std over its seeds.
    public static func summary(_ runs: [StudyRun], study: Study, scale: StudyScale) -> ResultTable {
        var columns = ["cell", "seeds", "final test acc", "best test acc", "final mean class acc", "final train acc (noisy)", "at prior"]
        if study.probesTrainingFit { columns += ["peak epoch", "final flipped fit", "final kept fit"] }
        if study.measuresNoiseCorrelation { columns += ["spearman", "spearman (centred)"] }
        let epochs = runs.map(\.result.history.count).max() ?? 0
        var table = ResultTable(title: "\(study.title) (\(scale.rawValue) scale, \(epochs) epochs): mean ± std over seeds, in %", columns: columns,
                                notes: ["at prior: runs whose final test accuracy is within \(Int(priorMargin * 100)) points of the test set's majority-class share."])
        for cell in study.cells {
            let mine = runs.filter { $0.cell == cell.name }
            guard !mine.isEmpty else { continue }
            var row = [cell.name, String(mine.count), percentSpread(mine.map(\.result.finalTestAccuracy)),
                       percentSpread(mine.map(\.result.bestTestAccuracy)),
                       percentSpread(mine.map { $0.result.history.last?.testMeanClassAccuracy ?? .nan }),
                       percentSpread(mine.map { $0.result.history.last?.trainAccuracy ?? .nan }),
                       "\(mine.filter(atPrior).count) of \(mine.count)"]
            if study.probesTrainingFit {
                let peaks = mine.compactMap { $0.result.history.max { $0.testAccuracy < $1.testAccuracy }?.epoch }.map(Double.init)
                row += [fixed(StudyStatistics.mean(peaks), decimals: 1), percentSpread(mine.map { $0.trainingFit?.last?.flippedFitNoisy ?? .nan }),
                        percentSpread(mine.map { $0.trainingFit?.last?.keptFit ?? .nan })]
            }
            if study.measuresNoiseCorrelation {
                for values in [mine.compactMap { $0.noiseCorrelation?.spearman }, mine.compactMap { $0.noiseCorrelation?.centredSpearman }] {
                    row += [values.isEmpty ? "-" : "\(fixed(StudyStatistics.mean(values), decimals: 3)) ± \(fixed(StudyStatistics.standardDeviation(values), decimals: 3))"]
                }
            }
            table.addRow(row)
        }
        return table
    }

    /// The study's comparisons (`Study.comparisons`; every cell against the first when nil): the
    /// final test accuracy of `cell` minus `reference` at each seed both ran, mean ± std in points.
    /// A difference counts as beyond the spread when its mean exceeds its std in size.
    public static func differences(_ runs: [StudyRun], study: Study) -> ResultTable {
        let comparisons = study.comparisons ?? study.cells.dropFirst().map { StudyComparison($0.name, against: study.cells[0].name) }
        var table = ResultTable(title: "\(study.title): paired differences of the final test accuracy, in points",
                                columns: ["cell", "reference", "seeds", "difference", "cell ahead", "beyond spread"],
                                notes: ["difference: mean ± std over the seeds of (cell − reference) at the same seed; beyond spread: |mean| > std."])
        func finals(_ cell: String) -> [UInt64: Double] {
            Dictionary(runs.filter { $0.cell == cell }.map { ($0.seed, $0.result.finalTestAccuracy) }) { first, _ in first }
        }
        for comparison in comparisons {
            let mine = finals(comparison.cell), reference = finals(comparison.reference)
            let seeds = mine.keys.filter { reference[$0] != nil }.sorted()
            guard !seeds.isEmpty else { continue }
            let deltas = seeds.map { 100 * (mine[$0]! - reference[$0]!) }
            let mean = StudyStatistics.mean(deltas), spread = StudyStatistics.standardDeviation(deltas)
            let sign = mean >= 0 ? "+" : ""
            table.addRow([comparison.cell, comparison.reference, String(seeds.count),
                          "\(sign)\(fixed(mean, decimals: 2)) ± \(fixed(spread, decimals: 2))",
                          "\(deltas.filter { $0 > 0 }.count) of \(seeds.count)",
                          seeds.count > 1 && abs(mean) > spread ? "yes" : "no"])
        }
        return table
    }

    /// Mean and std over seeds of `value` at every epoch (runs shorter than the longest count as missing).
    static func meanCurve(_ runs: [StudyRun], name: String, epochs: Int, value: (StudyRun, Int) -> Double?) -> SVGCharts.MeanCurve {
        var means: [Double] = [], deviations: [Double] = []
        for epoch in 1...max(1, epochs) {
            let values = runs.compactMap { value($0, epoch) }
            means.append(StudyStatistics.mean(values))
            deviations.append(StudyStatistics.standardDeviation(values))
        }
        return SVGCharts.MeanCurve(name: name, mean: means, standardDeviation: deviations)
    }

    /// Test accuracy per epoch, every cell; with the training-fit probe, a second panel with the
    /// fit on flipped and on kept labels.
    static func curves(_ runs: [StudyRun], study: Study) -> String {
        let epochs = runs.map(\.result.history.count).max() ?? 1
        let byCell = study.cells.map { cell in (cell.name, runs.filter { $0.cell == cell.name }) }
        let test = byCell.map { name, mine in
            meanCurve(mine, name: name, epochs: epochs) { run, e in run.result.history.first { $0.epoch == e }?.testAccuracy }
        }
        var panels: [(yLabel: String, curves: [SVGCharts.MeanCurve])] = [("test accuracy", test)]
        if study.probesTrainingFit {
            var fit: [SVGCharts.MeanCurve] = []
            for (name, mine) in byCell {
                fit.append(meanCurve(mine, name: "\(name): flipped", epochs: epochs) { run, e in run.trainingFit?.first { $0.epoch == e }?.flippedFitNoisy })
                fit.append(meanCurve(mine, name: "\(name): kept", epochs: epochs) { run, e in run.trainingFit?.first { $0.epoch == e }?.keptFit })
            }
            panels.append(("fit to the training labels (flipped = memorised noise)", fit))
        }
        return SVGCharts.meanCurves(epochs: Array(1...epochs), panels: panels, title: "\(study.title), mean over \(study.seeds.count) seeds")
    }

    /// The first HUM cell's correlation averaged over seeds beside the mean realised transition matrix.
    static func correlationChart(_ runs: [StudyRun], study: Study) -> String? {
        guard let cell = study.cells.first(where: { $0.method.usesHUM }) else { return nil }
        let measured = runs.filter { $0.cell == cell.name }.compactMap(\.noiseCorrelation)
        guard let first = measured.first else { return nil }
        func average(_ pick: (NoiseCorrelation) -> [[Double]]) -> [[Double]] {
            let n = first.classNames.count
            return (0..<n).map { i in (0..<n).map { j in StudyStatistics.mean(measured.map { pick($0)[i][j] }) } }
        }
        let spearman = StudyStatistics.mean(measured.map(\.centredSpearman))
        return SVGCharts.heatMapPair(left: ("\(cell.name): learned correlation of the centred logits", average(\.meanCentredCorrelation)),
                                     right: ("realised noise: P(noisy j | clean i)", average(\.transition)),
                                     classNames: first.classNames,
                                     title: "Spearman \(fixed(spearman, decimals: 3)) over class pairs (mean of \(measured.count) seeds)")
    }
}
