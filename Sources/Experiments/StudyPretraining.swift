import FERData
import Foundation
import Training

/// A backbone trained first, on clean synthetic faces of other identities, that a study's cells
/// can start from (`StudyCell.startsFromPretraining`): the analogue, on the built-in data, of the
/// paper's backbone pretrained on faces (Documentation/Reproducing.md, "Pretraining").
public struct StudyPretraining: Sendable {
    /// The clean set: another seed than the built-in data's (other identities and renders), so
    /// that no target image is seen in pretraining.
    public var data: SyntheticRAFDB.Configuration

    public init(data: SyntheticRAFDB.Configuration) {
        self.data = data
    }

    /// Where the clean set is generated (once, then reused), beside the built-in data.
    var dataFolder: String {
        ExperimentRunner.builtInDataFolder + "-pretraining-seed\(data.seed)-train\(data.trainCount)-test\(data.testCount)-size\(data.imageSize)"
    }
}

extension StudyRunner {
    /// The pretraining run of `study` in `<output>/pretraining/`: CE on the clean set with the
    /// study's base settings (no label noise, seed 0), its model written to `model.safetensors`
    /// there. A finished one is read back with `resume` (and refused if trained with other
    /// settings), trained again with `overwrite`, and otherwise refused. Returns the model file.
    static func pretrain(_ pretraining: StudyPretraining, base: ExperimentSettings, output: URL, resume: Bool, overwrite: Bool,
                         progress: ProgressDisplay) throws -> URL {
        let folder = output.appendingPathComponent("pretraining")
        let runFile = folder.appendingPathComponent("run.json")
        let modelFile = folder.appendingPathComponent("model.safetensors")
        let finished = FileManager.default.fileExists(atPath: runFile.path)
        if finished && !resume && !overwrite {
            throw TrainingError.invalidOption("\(folder.path) holds the pretraining run of an earlier study; add --resume to read it back, or --overwrite to train it again")
        }
        progress.message("Preparing the clean pretraining set in \(pretraining.dataFolder) (generated once, then reused)…")
        var settings = base
        settings.dataPath = try SyntheticRAFDB.ensure(at: pretraining.dataFolder, configuration: pretraining.data)
        settings.noise = 0
        settings.seed = 0
        settings.pretrained = nil
        settings.methods = [.ce]
        settings.output = folder.path
        let loaded = try ExperimentRunner.loadData(settings, .init(), progress: progress)
        var expected = try fingerprint(settings, method: .ce, train: loaded.train, test: loaded.test)
        expected["data"] = pretraining.data.stamp
        if finished && resume && FileManager.default.fileExists(atPath: modelFile.path) {
            _ = try readBack(runFile, expected: expected)
            progress.message("pretraining: read back from \(runFile.path)")
            return modelFile
        }
        progress.message("\n== pretraining: CE on \(loaded.train.count) clean images of other faces")
        var run = try trainOne(cell: StudyCell("pretraining", method: .ce), settings: settings, train: loaded.train, test: loaded.test,
                               probesTrainingFit: false, measuresNoiseCorrelation: false, folder: folder, progress: progress,
                               modelFile: modelFile)
        run.result.settings["data"] = pretraining.data.stamp
        try writeRun(run, to: runFile)
        return modelFile
    }
}
