import Autodiff
import Layers
import FERData
import Foundation
import Training

/// One training run of a study: a cell at one seed, its result and the study's extra measurements.
public struct StudyRun: Codable, Equatable, Sendable {
    public var cell: String
    public var method: String
    public var seed: UInt64
    public var result: RunResult
    /// The share of the test set's most frequent class: a run at this accuracy predicts the prior.
    public var majorityShare: Double
    /// Per epoch, when the study probes it (`Study.probesTrainingFit`).
    public var trainingFit: [TrainingFit]?
    /// After training, for HUM cells of a study that measures it.
    public var noiseCorrelation: NoiseCorrelation?
}

/// How well the model fits the labels it was trained on, measured in evaluation mode on the
/// unaugmented training images, with the flipped labels apart from the kept ones.
public struct TrainingFit: Codable, Equatable, Sendable {
    public var epoch: Int
    /// Share of the flipped samples predicted as their (wrong) training label: memorisation.
    public var flippedFitNoisy: Double
    /// Share of the flipped samples predicted as their true class.
    public var flippedPredictClean: Double
    /// Share of the kept (correctly labelled) samples predicted as their label.
    public var keptFit: Double
}

/// HUM's learned logit correlation per class pair (averaged over the test images) beside the
/// realised label-noise transition matrix.
public struct NoiseCorrelation: Codable, Equatable, Sendable {
    public var classNames: [String]
    /// Mean over images of corr(x)[i][j] = cov[i][j] / √(cov[i][i] cov[j][j]).
    public var meanCorrelation: [[Double]]
    /// P(noisy label j | clean label i) as realised in the training set.
    public var transition: [[Double]]
    /// Spearman's rank correlation, over the class pairs i < j, between the mean correlation and
    /// the symmetrised transition (T[i][j] + T[j][i]) / 2.
    public var spearman: Double
    /// The same after removing the noise common to all logits, to which softmax is blind: the
    /// correlation of P cov(x) P with P = I − 11ᵀ/C (the covariance of the centred logits).
    public var meanCentredCorrelation: [[Double]]
    public var centredSpearman: Double
}

/// Runs a `Study`: every cell at every seed on data loaded once, each run in
/// `<output>/<cell>/seed-<seed>/`, then the summary files (`StudyReport`).
public enum StudyRunner {
    /// `options` are the shared flags (data, threads, …); the study sets the rest.
    /// A run folder that already holds `run.json` is read back with `resume`, replaced with
    /// `overwrite`, and otherwise refused before anything trains.
    public static func run(_ study: Study, options: ExperimentOptions, output: URL, resume: Bool, overwrite: Bool,
                           progress: ProgressDisplay = ProgressDisplay()) throws -> [StudyRun] {
        var base = try ExperimentSettings.resolve(options, dataset: .rafDB)
        study.base(&base)
        if let threads = base.threads { setKernelThreads(threads) }
        let folders = study.cells.flatMap { cell in study.seeds.map { runFolder(output, cell: cell, seed: $0) } }
        let finished = folders.filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("run.json").path) }
        if let first = finished.first, !resume && !overwrite {
            throw TrainingError.invalidOption("\(first.path) holds a finished run of an earlier study (\(finished.count) of \(folders.count) runs); add --resume to read them back and train only the missing ones, or --overwrite to train them all again")
        }
        let pretrainedFile = try study.pretraining.map {
            try pretrain($0, base: base, output: output, resume: resume, overwrite: overwrite, progress: progress)  // StudyPretraining.swift
        }
        let loaded = try ExperimentRunner.loadData(base, .init(), progress: progress)
        let train = subset(loaded.train, count: study.trainingSubset)
        let test = subset(loaded.test, count: study.testSubset)
        progress.message("Study \(study.name): \(study.cells.count) cells × \(study.seeds.count) seeds; training set: \(train.summary); test set: \(test.summary)")

        var runs: [StudyRun] = []
        for cell in study.cells {
            for seed in study.seeds {
                let folder = runFolder(output, cell: cell, seed: seed)
                let file = folder.appendingPathComponent("run.json")
                var settings = base
                cell.adjust(&settings)
                settings.seed = seed
                settings.methods = [cell.method]
                settings.output = folder.path
                if cell.startsFromPretraining {
                    guard let pretrainedFile else { preconditionFailure("cell \(cell.name) starts from a pretraining that study \(study.name) lacks") }
                    settings.pretrained = pretrainedFile.path
                }
                let expected = try fingerprint(settings, method: cell.method, baseline: cell.baseline, train: train, test: test)
                if resume, FileManager.default.fileExists(atPath: file.path) {
                    runs.append(try readBack(file, expected: expected))
                    progress.message("\(cell.name), seed \(seed): read back from \(file.path)")
                    continue
                }
                progress.message("\n== \(study.name): \(cell.name), seed \(seed)")
                let run = try trainOne(cell: cell, settings: settings, train: train, test: test, probesTrainingFit: study.probesTrainingFit,
                                       measuresNoiseCorrelation: study.measuresNoiseCorrelation, folder: folder, progress: progress)
                try writeRun(run, to: file)
                runs.append(run)
            }
        }
        return runs
    }

    /// A finished run's `run.json`, refused if it was trained with other settings than `expected`.
    static func readBack(_ file: URL, expected: [String: String]) throws -> StudyRun {
        let run: StudyRun
        do {
            run = try JSONDecoder().decode(StudyRun.self, from: try Data(contentsOf: file))
        } catch {
            throw TrainingError.data("\(file.path): not a study run (\(error)); remove it or use --overwrite")
        }
        let differences = expected.sorted { $0.key < $1.key }.filter { run.result.settings[$0.key] != $0.value }
            .map { "\($0.key): this study \($0.value), the file \(run.result.settings[$0.key] ?? "absent")" }
        guard differences.isEmpty else {
            throw TrainingError.data("\(file.path) was trained with other settings (\(differences.joined(separator: "; "))); use another --output, or --overwrite to train it again")
        }
        return run
    }

    static func writeRun(_ run: StudyRun, to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(String(decoding: try encoder.encode(run), as: UTF8.self), to: file)
    }

    /// The settings that decide a run's result, as its `RunResult.settings` records them: the
    /// experiment's fingerprint, the epochs, learning rate and image counts (the study's subsets).
    /// A baseline-loss cell (`StudyCell.baseline`) adds its loss.
    static func fingerprint(_ settings: ExperimentSettings, method: MethodName, baseline: BaselineLoss? = nil, train: AnyLabeledImageDataset,
                            test: AnyLabeledImageDataset) throws -> [String: String] {
        settings.fingerprint(for: method).entries.merging(baseline?.fingerprint ?? [:]) { $1 }.merging([
            "epochs": String(settings.epochs), "seed": String(settings.seed), "batch_size": String(settings.batchSize),
            "schedule": try settings.plan(resuming: []).trainerConfiguration(for: method.rawValue).scheduleDescription,
            "training_images": String(train.count), "test_images": String(test.count),
        ]) { $1 }
    }

    static func runFolder(_ output: URL, cell: StudyCell, seed: UInt64) -> URL {
        let slug = String(cell.name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "-" })
        return output.appendingPathComponent(slug).appendingPathComponent("seed-\(seed)")
    }

    /// `count` images of `dataset`, the same ones for every seed: each class keeps its share
    /// (rounded), the members taken in a fixed shuffled order. nil or at least the whole set: all.
    static func subset(_ dataset: AnyLabeledImageDataset, count: Int?) -> AnyLabeledImageDataset {
        guard let count, count < dataset.count else { return dataset }
        var generator = RandomGenerator(seed: Seeds.derive(0, Seeds.Purpose.studySubset))
        var byClass = [[Int]](repeating: [], count: dataset.classCount)
        for i in 0..<dataset.count { byClass[dataset.label(at: i)].append(i) }
        var chosen: [Int] = []
        for var members in byClass where !members.isEmpty {
            generator.shuffle(&members)
            let share = max(1, Int((Double(count) * Double(members.count) / Double(dataset.count)).rounded()))
            chosen += members.prefix(share)
        }
        return StudySubset(base: dataset, indices: chosen.sorted()).erased()
    }

    /// One run of `cell`; with `modelFile`, the trained model's state is written there too.
    static func trainOne(cell: StudyCell, settings: ExperimentSettings, train: AnyLabeledImageDataset, test: AnyLabeledImageDataset,
                         probesTrainingFit: Bool, measuresNoiseCorrelation: Bool, folder: URL, progress: ProgressDisplay,
                         modelFile: URL? = nil) throws -> StudyRun {
        let classNames = train.classNames
        let noisy = settings.noise > 0
            ? try LabelNoise.inject(trainingLabels: train.labels, classNames: classNames,
                                    mode: try ExperimentRunner.noiseMode(settings, classNames: classNames), seed: settings.seed)
            : nil
        let noisyTrain = train.relabeled(noisy?.labels ?? train.labels)
        let source = FERDataSource(train: noisyTrain, test: test, imageSize: settings.imageSize, classBalanced: settings.classBalancedSampling)
        let model = try cell.makeModel(settings, classCount: classNames.count)
        var configuration = try settings.plan(resuming: []).trainerConfiguration(for: cell.method.rawValue)
        configuration.checkpointURL = nil
        let trainer = Trainer(model: model, optimizer: try settings.makeOptimizer(parameters: model.parameters), data: source,
                              configuration: configuration, fingerprint: RunFingerprint(try fingerprint(settings, method: cell.method, baseline: cell.baseline, train: train, test: test)),
                              progress: progress)
        trainer.noiseMatrix = noisy?.matrix.counts
        var fit: [TrainingFit] = []
        if probesTrainingFit {
            let flipped = Set(noisy?.flippedIndices ?? [])
            let probe = FERDataSource(train: noisyTrain, test: noisyTrain, imageSize: settings.imageSize, classBalanced: false)
            trainer.onEpochEnd = { record in
                fit.append(try measureFit(model, probe: probe, cleanLabels: train.labels, flipped: flipped,
                                          batchSize: settings.batchSize, epoch: record.epoch, seed: settings.seed))
                progress.message("  fit on training labels: flipped \(formatPercent(fit.last!.flippedFitNoisy)), kept \(formatPercent(fit.last!.keptFit))")
            }
        }
        let result = try trainer.run()
        try RunPreflight.createOutputFolder(folder)
        try Reports.write(result, to: folder)
        if let modelFile {
            guard let module = model.base as? ModelFactory.Model else { preconditionFailure("cell \(cell.name): no model to write") }
            try module.save(to: modelFile)
        }
        var correlation: NoiseCorrelation?
        if measuresNoiseCorrelation, cell.method.usesHUM, let noisy, let lrn = model.base as? ModelFactory.Model {
            correlation = try measureCorrelation(lrn, test: test, imageSize: settings.imageSize, batchSize: settings.batchSize,
                                                 noise: noisy.matrix, seed: settings.seed)
        }
        let counts = (0..<test.classCount).map { c in test.labels.filter { $0 == c }.count }
        return StudyRun(cell: cell.name, method: cell.method.rawValue, seed: settings.seed, result: result,
                        majorityShare: Double(counts.max() ?? 0) / Double(max(1, test.count)),
                        trainingFit: probesTrainingFit ? fit : nil, noiseCorrelation: correlation)
    }

    /// The model's predictions on the unaugmented training images (in order), in evaluation mode.
    static func measureFit(_ model: some TrainableModel, probe: some EpochDataSource, cleanLabels: [Int], flipped: Set<Int>,
                           batchSize: Int, epoch: Int, seed: UInt64) throws -> TrainingFit {
        model.isTraining = false
        defer { model.isTraining = true }
        var generator = RandomGenerator(seed: Seeds.derive(seed, Seeds.Purpose.studyFit, UInt64(epoch)))
        var index = 0
        var flippedNoisy = 0, flippedClean = 0, keptRight = 0
        let batches = try probe.testBatches(batchSize: batchSize)
        try Graph.withoutRecording {
            while let batch = try batches.next() {
                let p = model.probabilities(images: batch.images, generator: &generator)
                for (row, predicted) in predictedClasses(p.scalars, classCount: p.shape[1]).enumerated() {
                    let i = index + row
                    if flipped.contains(i) {
                        if predicted == batch.labels[row] { flippedNoisy += 1 }
                        if predicted == cleanLabels[i] { flippedClean += 1 }
                    } else if predicted == batch.labels[row] {
                        keptRight += 1
                    }
                }
                index += batch.labels.count
            }
        }
        let nFlipped = max(1, flipped.count), nKept = max(1, index - flipped.count)
        return TrainingFit(epoch: epoch, flippedFitNoisy: Double(flippedNoisy) / Double(nFlipped),
                           flippedPredictClean: Double(flippedClean) / Double(nFlipped), keptFit: Double(keptRight) / Double(nKept))
    }

    /// HUM's covariance on every test image, turned into correlations and averaged.
    static func measureCorrelation(_ model: ModelFactory.Model, test: AnyLabeledImageDataset, imageSize: Int, batchSize: Int,
                                   noise: NoiseMatrix, seed: UInt64) throws -> NoiseCorrelation {
        model.isTraining = false
        defer { model.isTraining = true }
        let c = model.classCount
        var sum = [[Double]](repeating: [Double](repeating: 0, count: c), count: c)
        var centredSum = sum
        var images = 0
        let source = FERDataSource(train: test, test: test, imageSize: imageSize, classBalanced: false)
        let batches = try source.testBatches(batchSize: batchSize)
        try Graph.withoutRecording {
            while let batch = try batches.next() {
                let covariance = model.head(model.backbone.features(batch.images)).covariance.scalars
                for b in 0..<batch.labels.count {
                    let cov = (0..<c).map { i in (0..<c).map { j in Double(covariance[b * c * c + i * c + j]) } }
                    let centred = centre(cov)
                    for i in 0..<c {
                        for j in 0..<c {
                            sum[i][j] += cov[i][j] / (cov[i][i] * cov[j][j]).squareRoot()
                            centredSum[i][j] += centred[i][j] / (centred[i][i] * centred[j][j]).squareRoot()
                        }
                    }
                }
                images += batch.labels.count
            }
        }
        let mean = sum.map { $0.map { $0 / Double(max(1, images)) } }
        let centredMean = centredSum.map { $0.map { $0 / Double(max(1, images)) } }
        let transition = noise.counts.map { row -> [Double] in
            let n = Double(max(1, row.reduce(0, +)))
            return row.map { Double($0) / n }
        }
        var x: [Double] = [], xc: [Double] = [], y: [Double] = []
        for i in 0..<c {
            for j in (i + 1)..<c {
                x.append(mean[i][j])
                xc.append(centredMean[i][j])
                y.append((transition[i][j] + transition[j][i]) / 2)
            }
        }
        return NoiseCorrelation(classNames: noise.classNames, meanCorrelation: mean, transition: transition,
                                spearman: StudyStatistics.spearman(x, y), meanCentredCorrelation: centredMean,
                                centredSpearman: StudyStatistics.spearman(xc, y))
    }

    /// P Σ P with P = I − 11ᵀ/C: Σ[i][j] − mean of row i − mean of column j + mean of all.
    static func centre(_ sigma: [[Double]]) -> [[Double]] {
        let c = Double(sigma.count)
        let rows = sigma.map { $0.reduce(0, +) / c }
        let columns = sigma.indices.map { j in sigma.reduce(0) { $0 + $1[j] } / c }
        let all = rows.reduce(0, +) / c
        return sigma.indices.map { i in sigma.indices.map { j in sigma[i][j] - rows[i] - columns[j] + all } }
    }
}

/// Some images of a data set, keeping their labels.
struct StudySubset: LabeledImageDataset {
    let base: AnyLabeledImageDataset
    let indices: [Int]
    var classNames: [String] { base.classNames }
    var count: Int { indices.count }
    func label(at index: Int) -> Int { base.label(at: indices[index]) }
    func loadImage(at index: Int) throws -> RGBImage { try base.loadImage(at: indices[index]) }
    func source(at index: Int) -> String { base.source(at: indices[index]) }
}
