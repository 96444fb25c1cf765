import Autodiff
import FERData
import Foundation
import Layers
import LRN

/// Turns a run's training checkpoint (`<run>/checkpoint.safetensors`: tensors `model.*` and
/// `optimizer.*`, the run's settings in the metadata's `fingerprint`) into `model.safetensors`.
/// Reads the checkpoint as a plain safetensors file, so it needs nothing from the training code.
public enum RunExport {
    public static let checkpointFileName = "checkpoint.safetensors"
    public static let modelFileName = "model.safetensors"
    static let checkpointFormat = "lrn-training-checkpoint-1"

    /// The checkpoint of a run folder (or the file itself when `run` is a file).
    public static func checkpointURL(run: URL) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: run.path, isDirectory: &isDirectory) else {
            throw InferenceError.invalidRun(path: run.path, reason: "no such file or folder")
        }
        guard isDirectory.boolValue else { return run }
        let checkpoint = run.appendingPathComponent(checkpointFileName)
        if FileManager.default.fileExists(atPath: checkpoint.path) { return checkpoint }
        // A data set's output folder holds one run folder per method: name them.
        let children = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        let runs = children.filter { FileManager.default.fileExists(atPath: run.appendingPathComponent($0).appendingPathComponent(checkpointFileName).path) }.sorted()
        let hint = runs.isEmpty ? "" : "; it holds the runs \(runs.map { run.appendingPathComponent($0).path }.joined(separator: ", ")): pass one of them"
        throw InferenceError.invalidRun(path: run.path, reason: "no \(checkpointFileName) in this folder\(hint)")
    }

    /// What `export` writes: the model's weights (names without `model.`) and its metadata.
    public static func modelState(checkpoint url: URL) throws -> (state: [String: Tensor<Float>], metadata: ModelMetadata) {
        let path = url.path
        func fail(_ reason: String) -> InferenceError { .invalidRun(path: path, reason: reason) }
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(contentsOf: url) } catch { throw fail("\(error)") }
        guard file.metadata["format"] == checkpointFormat else {
            throw fail("not a training checkpoint (metadata 'format' is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"), expected '\(checkpointFormat)')")
        }
        struct Fingerprint: Decodable { var entries: [String: String] }
        guard let text = file.metadata["fingerprint"],
              let settings = try? JSONDecoder().decode(Fingerprint.self, from: Data(text.utf8)).entries else {
            throw fail("metadata 'fingerprint' (the run's settings) is missing or malformed")
        }
        var state: [String: Tensor<Float>] = [:]
        for entry in file.entries where entry.name.hasPrefix("model.") {
            do { state[String(entry.name.dropFirst(6))] = try file.tensor(entry.name, as: Float.self) } catch { throw fail("\(error)") }
        }
        guard let fc1 = state["head.fc1.weight"], fc1.rank == 2, let fc2 = state["head.fc2.weight"], fc2.rank == 2,
              state["backbone.conv1.weight"] != nil else {
            throw InferenceError.notAnLRNRun(path: path)
        }
        let classCount = fc1.shape[0]
        guard let classText = settings["classes"] else { throw fail("the run's settings do not list its classes ('classes')") }
        let classes = classText.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard classes.count == classCount else {
            throw fail("the settings name \(classes.count) classes (\(classText)) but head.fc1 has \(classCount) outputs")
        }
        // A method that trains one of the paper's models with another loss names that model's
        // method in 'model_method' (Experiments' `BaselineLoss`): it predicts as that model does.
        guard let method = settings["model_method"] ?? settings["method"], let objective = ModelMetadata.objective(methodName: method) else {
            throw fail("the run's settings have no known 'method' (got \(settings["method"] ?? "none"))")
        }
        guard let imageSize = settings["image_size"].flatMap(Int.init), imageSize > 0 else {
            throw fail("the run's settings have no valid 'image_size'")
        }
        let backbone = try backboneDescription(state, fail: fail)
        if let named = settings["backbone"], named != backbone.name, named == "small" || named == "resnet18" {
            throw fail("the settings say backbone '\(named)' but the weights are a \(backbone.name) (\(backbone.widths))")
        }
        let rows = fc2.shape[0]
        let covariance: CovarianceForm
        if rows == LowerTriangle.entryCount(size: classCount) {
            covariance = .full
        } else if rows > classCount, (rows - classCount) % classCount == 0 {
            covariance = .lowRank(rank: (rows - classCount) / classCount)
        } else {
            throw fail("head.fc2 has \(rows) outputs, which fits no covariance form for \(classCount) classes")
        }
        func parsedList(_ key: String) -> [Float]? {
            settings[key].map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) } }
        }
        var notes: [String: String] = ["source_checkpoint": url.standardizedFileURL.path]
        if let epochs = file.metadata["completed_epochs"] { notes["epochs_trained"] = epochs }
        for key in ["dataset", "data", "noise", "noise_mode", "seed", "lambda"] { if let v = settings[key] { notes["run_" + key] = v } }
        let metadata = ModelMetadata(
            classNames: classes, imageSize: imageSize,
            // Training normalises with ImageTransform's defaults unless the run recorded others.
            mean: parsedList("normalization_mean") ?? ImageTransform.imageNetMean,
            std: parsedList("normalization_std") ?? ImageTransform.imageNetStd,
            backbone: backbone, objective: objective,
            temperature: settings["temperature"].flatMap(Float.init) ?? 0.7,
            sampleCount: settings["mc_samples"].flatMap(Int.init) ?? 1000,
            covariance: covariance, notes: notes)
        return (state, metadata)
    }

    /// The ResNet's stem, widths and blocks read off its weights' names and shapes.
    static func backboneDescription(_ state: [String: Tensor<Float>], fail: (String) -> InferenceError) throws -> BackboneDescription {
        guard let conv1 = state["backbone.conv1.weight"], conv1.rank == 4 else {
            throw fail("the model has no ResNet backbone (no model.backbone.conv1.weight)")
        }
        let stem: ResNet<Float>.Stem
        switch conv1.shape[2] {
        case 7: stem = .imageNet
        case 3: stem = .small
        default: throw fail("backbone.conv1.weight has a \(conv1.shape[2])x\(conv1.shape[3]) kernel; expected 7x7 (ImageNet stem) or 3x3 (small stem)")
        }
        var widths: [Int] = [], blocks: [Int] = []
        var stage = 1
        while let first = state["backbone.layer\(stage).0.conv1.weight"] {
            var count = 1
            while state["backbone.layer\(stage).\(count).conv1.weight"] != nil { count += 1 }
            widths.append(first.shape[0])
            blocks.append(count)
            stage += 1
        }
        guard !widths.isEmpty else { throw fail("the backbone has no stages (no backbone.layer1.0.conv1.weight)") }
        return BackboneDescription.named(stem: stem, widths: widths, blocksPerStage: blocks)
    }

    /// Writes `model.safetensors` for a run (into the run folder unless `destination` is given);
    /// an existing file is replaced only with `overwrite`.
    @discardableResult
    public static func export(run: URL, to destination: URL? = nil, overwrite: Bool) throws -> (url: URL, metadata: ModelMetadata) {
        let checkpoint = try checkpointURL(run: run)
        let target = destination ?? checkpoint.deletingLastPathComponent().appendingPathComponent(modelFileName)
        if !overwrite && FileManager.default.fileExists(atPath: target.path) { throw InferenceError.wouldOverwrite(path: target.path) }
        let (state, metadata) = try modelState(checkpoint: checkpoint)
        try ModelFile.write(state: state, metadata: metadata, to: target, overwrite: overwrite)
        return (target, metadata)
    }
}
