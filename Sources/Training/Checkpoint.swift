import Autodiff
import Foundation
import Layers

/// The settings that decide a run's result, by name. A checkpoint records them, and resuming
/// with any of them changed is refused (a resumed run must be the same run). The number of
/// epochs is deliberately not part of it: a finished run may be extended.
public struct RunFingerprint: Codable, Equatable, Sendable {
    public var entries: [String: String]
    public init(_ entries: [String: String]) { self.entries = entries }

    /// One line per setting that differs: "method: checkpoint ce, this run hum+cld".
    public func differences(from checkpoint: RunFingerprint) -> [String] {
        let keys = Set(entries.keys).union(checkpoint.entries.keys).sorted()
        return keys.compactMap { key in
            let mine = entries[key], theirs = checkpoint.entries[key]
            guard mine != theirs else { return nil }
            return "\(key): checkpoint \(theirs ?? "(not set)"), this run \(mine ?? "(not set)")"
        }
    }
}

/// The state of a run between two epochs: enough to continue it bit for bit.
public struct TrainingCheckpoint {
    static let format = "lrn-training-checkpoint-1"

    /// Epochs finished; the run continues with epoch `completedEpochs + 1`. Per-epoch random
    /// streams (shuffling, augmentation, Monte-Carlo noise) derive from (seed, epoch), so this
    /// number is also the loader's and the generators' position.
    public var completedEpochs: Int
    public var seed: UInt64
    public var history: [EpochRecord]
    public var fingerprint: RunFingerprint
    public var modelState: [String: Tensor<Float>]
    public var optimizerState: [String: Tensor<Float>]

    public init(completedEpochs: Int, seed: UInt64, history: [EpochRecord], fingerprint: RunFingerprint,
                modelState: [String: Tensor<Float>], optimizerState: [String: Tensor<Float>]) {
        self.completedEpochs = completedEpochs
        self.seed = seed
        self.history = history
        self.fingerprint = fingerprint
        self.modelState = modelState
        self.optimizerState = optimizerState
    }

    public func write(to url: URL) throws {
        var tensors: [String: Tensor<Float>] = [:]
        for (name, t) in modelState { tensors["model." + name] = t }
        for (name, t) in optimizerState { tensors["optimizer." + name] = t }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = [
            "format": Self.format,
            "completed_epochs": String(completedEpochs),
            "seed": String(seed),
            "history": String(decoding: try encoder.encode(history), as: UTF8.self),
            "fingerprint": String(decoding: try encoder.encode(fingerprint), as: UTF8.self),
        ]
        try CheckpointFile(tensors: tensors, metadata: metadata).write(to: url)
    }

    public static func read(from url: URL) throws -> TrainingCheckpoint {
        let file = try CheckpointFile.read(from: url)
        func fail(_ reason: String) -> TrainingError { .unreadableCheckpoint(path: url.path, reason: reason) }
        guard file.metadata["format"] == format else {
            throw fail("it is not a training checkpoint (metadata 'format' is \(file.metadata["format"].map { "'\($0)'" } ?? "missing"), expected '\(format)'); a weights-only file goes to --pretrained")
        }
        guard let epochs = file.metadata["completed_epochs"].flatMap(Int.init), epochs >= 0 else { throw fail("metadata 'completed_epochs' is missing or not a count") }
        guard let seed = file.metadata["seed"].flatMap(UInt64.init) else { throw fail("metadata 'seed' is missing or not an unsigned integer") }
        let decoder = JSONDecoder()
        guard let historyText = file.metadata["history"],
              let history = try? decoder.decode([EpochRecord].self, from: Data(historyText.utf8)) else { throw fail("metadata 'history' is missing or malformed") }
        guard let fingerprintText = file.metadata["fingerprint"],
              let fingerprint = try? decoder.decode(RunFingerprint.self, from: Data(fingerprintText.utf8)) else { throw fail("metadata 'fingerprint' is missing or malformed") }
        var model: [String: Tensor<Float>] = [:], optimizer: [String: Tensor<Float>] = [:]
        for name in file.tensors.keys.sorted() {
            let tensor = file.tensors[name]!
            // A diverged run's weights would only make the resumed loss NaN again.
            if let problem = nonFiniteSummary(tensor) {
                throw TrainingError.nonFiniteTensor(path: url.path, what: "checkpoint", tensor: name, problem: problem)
            }
            if name.hasPrefix("model.") { model[String(name.dropFirst(6))] = tensor }
            else if name.hasPrefix("optimizer.") { optimizer[String(name.dropFirst(10))] = tensor }
            else { throw fail("unexpected tensor '\(name)' (expected names starting with model. or optimizer.)") }
        }
        return TrainingCheckpoint(completedEpochs: epochs, seed: seed, history: history, fingerprint: fingerprint,
                                  modelState: model, optimizerState: optimizer)
    }

    /// Every way the checkpoint's model differs from `model`: missing or extra tensors, shapes.
    public func modelDifferences<M: TrainableModel>(from model: M) -> [String] {
        let expected = model.stateDict
        var lines: [String] = []
        let missing = expected.keys.filter { modelState[$0] == nil }.sorted()
        let extra = modelState.keys.filter { expected[$0] == nil }.sorted()
        if !missing.isEmpty { lines.append("tensors this model has but the checkpoint lacks: \(listed(missing))") }
        if !extra.isEmpty { lines.append("tensors in the checkpoint this model does not have: \(listed(extra))") }
        for name in expected.keys.sorted() {
            if let saved = modelState[name], saved.shape != expected[name]!.shape {
                lines.append("\(name): checkpoint shape \(saved.shape), this model \(expected[name]!.shape)")
            }
        }
        return lines
    }

    /// Copies the saved values into the model's own tensors (after `modelDifferences` is empty).
    public func restore<M: TrainableModel>(into model: M) {
        for (name, tensor) in model.stateDict { tensor.assign(modelState[name]!) }
    }
}

private func listed(_ names: [String]) -> String {
    names.count <= 6 ? names.joined(separator: ", ") : names.prefix(6).joined(separator: ", ") + " and \(names.count - 6) more"
}
