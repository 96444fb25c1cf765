import ArgumentParser
import Autodiff
import Experiments
import FERData
import Foundation
import Inference
import Training

struct ExampleAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "Example-Audit",
        abstract: "Rank the training labels by how likely each is wrong, from out-of-sample predictions (k-fold).",
        discussion: """
        Splits the training set into --folds parts, trains one model per part on the others (the \
        run's settings and flags, one --method, HUM+CLD by default) and predicts the held-out part. \
        Each training sample gets p'(given label) from a model that never saw it, the logit-noise \
        variance of its given label (HUM) and CLD's centre confidence at its given label (CLD). \
        Writes label-audit.csv into --output, most suspicious first (suspicion = 1 − p'(given label); \
        p_<class>: the whole out-of-sample distribution) and label-audit-sheet.png/.svg (the 24 most \
        suspicious images with given label and prediction). \
        When the noise was injected here (--noise), the clean labels are known and the ranking is \
        scored: precision@k (k = the number of wrong labels) and AUROC of each signal.

        Examples:
          swift run -c release Example-Audit --folds 4
          swift run -c release Example-Audit --dataset imagefolder --data ~/my-faces --folds 4 --method hum+cld
        """)

    @OptionGroup var options: ExperimentOptions

    @Option(help: ArgumentHelp("The data set's layout: rafdb, affectnet, ferplus or imagefolder.", valueName: "kind"))
    var dataset: String = "rafdb"

    @Option(help: "Number of folds (each sample is predicted by the model trained on the other folds).")
    var folds = 4

    mutating func run() throws {
        guard let kind = DatasetKind(rawValue: dataset) else {
            throw ValidationError("--dataset must be one of \(DatasetKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(dataset)'")
        }
        var settings = try ExperimentSettings.resolve(options, dataset: kind)
        let methods = options.method?.methods ?? [.humCLD]
        guard methods.count == 1 else { throw ValidationError("--method: the audit trains one objective, give one") }
        let method = methods[0]
        settings.methods = [method]
        if options.output == nil { settings.output += "-audit" }
        let output = URL(fileURLWithPath: settings.output)
        let csvURL = output.appendingPathComponent("label-audit.csv"), summaryURL = output.appendingPathComponent("label-audit-summary.json")
        let sheetBase = output.appendingPathComponent(AuditSheet.baseName)
        // --overwrite is the shared flag of ExperimentOptions (a second one of the same name made
        // ArgumentParser refuse every invocation in debug builds).
        let overwrite = options.overwrite
        if !overwrite { for url in [csvURL, summaryURL, sheetBase.appendingPathExtension("png"), sheetBase.appendingPathExtension("svg")] where FileManager.default.fileExists(atPath: url.path) { throw InferenceError.wouldOverwrite(path: url.path) } }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        configureKernels(threads: settings.threads)
        let progress = ProgressDisplay()
        progress.message("Settings\n" + settings.summary + "\nfolds:      \(folds)")

        let train = try loadTrainingSet(settings, progress: progress)
        var given = train.labels
        var clean: [Int]?
        if settings.noise > 0 {
            // The same draw as a training run with these settings: the audit sees the labels that run saw.
            let mode: NoiseMode
            switch settings.noiseMode {
            case .paper: mode = .exactFraction(settings.noise)
            case .scn: mode = .perSampleProbability(settings.noise)
            case .pairs: mode = .pairFlips(pairs: try LabelNoise.parsePairs(settings.noisePairs ?? "", classNames: train.classNames), fraction: settings.noise)
            }
            clean = given
            given = try LabelNoise.inject(trainingLabels: given, classNames: train.classNames, mode: mode, seed: settings.seed).labels
        }
        let foldOf = try LabelAudit.folds(count: train.count, k: folds, seed: settings.seed)
        let transform = ImageTransform(size: settings.imageSize)
        var records: [AuditRecord] = []
        let start = Date()
        for fold in 0..<folds {
            let heldOut = (0..<train.count).filter { foldOf[$0] == fold }
            let rest = (0..<train.count).filter { foldOf[$0] != fold }
            let data = FERDataSource(train: SubsetDataset(base: train, indices: rest, labels: given),
                                     test: SubsetDataset(base: train, indices: heldOut, labels: given),
                                     imageSize: settings.imageSize, classBalanced: settings.classBalancedSampling)
            let model = ModelFactory.make(method: method, settings: settings, classCount: train.classCount)
            if let pretrained = settings.pretrained {
                progress.message(try ModelFactory.loadPretrainedBackbone(model, from: URL(fileURLWithPath: pretrained)))
            }
            let schedule = try settings.learningRateSchedule()
            let trainer = Trainer(model: model, optimizer: try settings.makeOptimizer(parameters: model.parameters), data: data,
                                  configuration: TrainerConfiguration(name: "fold \(fold + 1)/\(folds) \(method.rawValue)", epochs: settings.epochs,
                                                                      batchSize: settings.batchSize, learningRate: settings.learningRate,
                                                                      schedule: schedule, seed: Seeds.derive(settings.seed, Seeds.Purpose.auditFoldTraining, UInt64(fold))),
                                  fingerprint: settings.fingerprint(for: method), progress: progress)
            progress.message("\n== fold \(fold + 1)/\(folds): train on \(rest.count), judge \(heldOut.count) (accuracy below is against the given, possibly noisy, labels)")
            _ = try trainer.run()
            model.isTraining = false
            for batchStart in stride(from: 0, to: heldOut.count, by: settings.batchSize) {
                let batch = Array(heldOut[batchStart..<min(batchStart + settings.batchSize, heldOut.count)])
                records += LabelAudit.records(model: model, images: try batch.map { try train.loadImage(at: $0) }, transform: transform,
                                              indices: batch, sources: batch.map { train.source(at: $0) }, fold: fold,
                                              givenLabels: batch.map { given[$0] }, cleanLabels: clean.map { c in batch.map { c[$0] } },
                                              sampleCount: settings.evaluationMCSamples, seed: settings.seed)
            }
        }
        let ranked = LabelAudit.ranked(records)
        try writeAtomically(LabelAudit.csv(ranked, classNames: train.classNames), to: csvURL)
        let sheet = try AuditSheet.write(ranked, classNames: train.classNames, to: sheetBase, overwrite: overwrite,
                                         image: { try train.loadImage(at: $0.index) })
        var summary: [String: String] = ["folds": String(folds), "method": method.rawValue, "samples": String(ranked.count),
                                         "seconds": String(format: "%.1f", Date().timeIntervalSince(start))]
        var lines = ["\nWrote \(csvURL.path): \(ranked.count) training labels, most suspicious first (p_<class>: the out-of-sample probabilities).",
                     "Wrote \(sheet.png.path) and \(sheet.svg.path): the 24 most suspicious images."]
        if clean != nil {
            let wrong = ranked.filter { $0.isKnownNoisy == true }.count
            summary["known_wrong_labels"] = String(wrong)
            lines.append("\(wrong) of the \(ranked.count) labels are known to be wrong (injected noise).")
            if let p = LabelAudit.precision(atK: wrong, ranked: ranked) {
                summary["precision_at_k"] = "\(p)"
                lines.append("precision@\(wrong) (1 − p'(given label)): \(String(format: "%.3f", p)) (random ranking: \(String(format: "%.3f", Double(wrong) / Double(ranked.count))))")
            }
            let signals: [(String, (AuditRecord) -> Double?)] = [
                ("1 - p(given label)", { $0.suspicion }),
                ("noise variance of the given label", { $0.givenLabelNoiseVariance }),
                ("1 - CLD centre confidence at the given label", { $0.givenLabelCentreConfidence.map { 1 - $0 } }),
            ]
            for (name, signal) in signals where ranked.allSatisfy({ signal($0) != nil }) {
                if let auc = LabelAudit.auroc(ranked, score: { signal($0)! }) {
                    summary["auroc " + name] = "\(auc)"
                    lines.append("AUROC of \(name): \(String(format: "%.3f", auc))")
                }
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n", to: summaryURL)
        lines.append("Wrote \(summaryURL.path)")
        progress.message(lines.joined(separator: "\n"))
    }

    /// The training set of the settings' data set (the built-in one when there is no --data).
    func loadTrainingSet(_ settings: ExperimentSettings, progress: ProgressDisplay) throws -> AnyLabeledImageDataset {
        var root = settings.dataPath
        if root == nil {
            let configuration = SyntheticRAFDB.Configuration(trainCount: ExperimentSettings.BuiltIn.trainCount,
                                                             testCount: ExperimentSettings.BuiltIn.testCount, seed: 0)
            progress.message("Using the built-in synthetic RAF-DB in \(ExperimentRunner.builtInDataFolder)")
            root = try SyntheticRAFDB.ensure(at: ExperimentRunner.builtInDataFolder, configuration: configuration)
        }
        return try settings.dataset.load(root: root!).train
    }
}

ExampleAudit.main()
