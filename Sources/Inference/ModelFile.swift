import Autodiff
import Foundation
import Layers
import LRN

/// The model type of every run of the examples: LRN's head and CLD centres on a ResNet.
public typealias ResNetLRNModel = LRNModel<ResNet<Float>>

/// A model read from `model.safetensors`, ready to predict (evaluation mode).
public struct LoadedModel {
    public let model: ResNetLRNModel
    public let metadata: ModelMetadata
    public let path: String
}

/// `model.safetensors`: the weights of one trained model under its PyTorch state-dict names
/// (`backbone.*`, `head.fc1.*`, `head.fc2.*`, `cld.centers`), F32, with `ModelMetadata` in the
/// `__metadata__` map. Format described in Documentation/Checkpoints.md, "The exported model".
public enum ModelFile {
    /// A model of the metadata's architecture (weights still from `seed`, to be replaced).
    public static func makeModel(_ metadata: ModelMetadata, seed: UInt64 = 0) -> ResNetLRNModel {
        var generator = RandomGenerator(seed: seed)
        let model = LRNModel(backbone: metadata.backbone.make(generator: &generator), classCount: metadata.classNames.count,
                             objective: metadata.objective, covariance: metadata.covariance, generator: &generator)
        model.head.temperature = metadata.temperature
        model.head.evaluationSampleCount = metadata.sampleCount
        model.head.trainingSampleCount = metadata.sampleCount
        model.head.diagonalFloor = metadata.diagonalFloor
        model.isTraining = false
        return model
    }

    /// Writes `model`'s weights with `metadata`, atomically; refuses to replace an existing file
    /// unless `overwrite`, and refuses weights that are not finite.
    public static func write(_ model: ResNetLRNModel, metadata: ModelMetadata, to url: URL, overwrite: Bool) throws {
        try write(state: model.stateDict, metadata: metadata, to: url, overwrite: overwrite)
    }

    /// Writes a state dict after checking it is exactly the metadata's model (names, shapes, finite values).
    public static func write(state: [String: Tensor<Float>], metadata: ModelMetadata, to url: URL, overwrite: Bool) throws {
        if !overwrite && FileManager.default.fileExists(atPath: url.path) { throw InferenceError.wouldOverwrite(path: url.path) }
        let problems = differences(state.mapValues(\.shape), from: makeModel(metadata))
        guard problems.isEmpty else {
            throw InferenceError.invalidModelFile(path: url.path, reason: "the weights do not fit the metadata's model:\n" + problems.joined(separator: "\n"))
        }
        for name in state.keys.sorted() { try requireFinite(state[name]!, name: name, path: url.path) }
        try SafeTensorsWriter.write(state, metadata: metadata.dictionary, to: url)  // FileWriteError names the file
    }

    /// Reads and checks a model file: format and metadata, every tensor name and shape against the
    /// metadata's architecture, dtype F32, finite values. Errors name the file and the tensor or key.
    public static func load(from url: URL) throws -> LoadedModel {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw InferenceError.invalidModelFile(path: path, reason: "no such file") }
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw InferenceError.invalidModelFile(path: path, reason: "\(error)")
        }
        let metadata = try ModelMetadata(dictionary: file.metadata, path: path)
        try requireRoom(for: metadata, values: file.entries.reduce(0.0) { $0 + Double($1.elementCount) }, path: path)
        let model = makeModel(metadata)
        var shapes: [String: [Int]] = [:]
        for entry in file.entries { shapes[entry.name] = entry.shape }
        let problems = differences(shapes, from: model)
        guard problems.isEmpty else {
            throw InferenceError.invalidModelFile(path: path, reason: "the tensors do not fit the metadata's model (\(metadata.backbone.name) backbone, \(metadata.classNames.count) classes, \(metadata.covariance) covariance):\n" + problems.joined(separator: "\n"))
        }
        var values: [(Tensor<Float>, Tensor<Float>)] = []
        for (name, tensor) in model.namedStateEntries {
            let entry = file.entry(name)!
            guard entry.dtype == .f32 else {
                throw InferenceError.invalidModelFile(path: path, reason: "tensor '\(name)' has dtype \(entry.dtype.rawValue), expected F32")
            }
            let value = try file.tensor(name, as: Float.self)
            try requireFinite(value, name: name, path: path)
            values.append((tensor, value))
        }
        for (tensor, value) in values { tensor.assign(value) }
        return LoadedModel(model: model, metadata: metadata, path: path)
    }

    /// A model from weights in memory (e.g. a run's checkpoint), checked as a file would be.
    public static func load(state: [String: Tensor<Float>], metadata: ModelMetadata, source: String) throws -> LoadedModel {
        try requireRoom(for: metadata, values: state.values.reduce(0.0) { $0 + Double($1.count) }, path: source)
        let model = makeModel(metadata)
        let problems = differences(state.mapValues(\.shape), from: model)
        guard problems.isEmpty else {
            throw InferenceError.invalidModelFile(path: source, reason: "the weights do not fit the metadata's model:\n" + problems.joined(separator: "\n"))
        }
        for (name, _) in model.namedStateEntries { try requireFinite(state[name]!, name: name, path: source) }
        for (name, tensor) in model.namedStateEntries { tensor.assign(state[name]!) }
        return LoadedModel(model: model, metadata: metadata, path: source)
    }

    /// The model of a run folder: its model.safetensors, else straight from its checkpoint.
    public static func load(run: URL) throws -> LoadedModel {
        let file = run.appendingPathComponent(RunExport.modelFileName)
        if FileManager.default.fileExists(atPath: file.path) { return try load(from: file) }
        let checkpoint = try RunExport.checkpointURL(run: run)
        let (state, metadata) = try RunExport.modelState(checkpoint: checkpoint)
        return try load(state: state, metadata: metadata, source: checkpoint.path)
    }

    /// Refuses metadata whose backbone needs more weights than the file holds, before building it.
    static func requireRoom(for metadata: ModelMetadata, values: Double, path: String) throws {
        let least = metadata.backbone.leastWeightCount
        guard least <= values else {
            throw InferenceError.invalidModelFile(path: path, reason: "the metadata's backbone (widths \(metadata.backbone.widths), blocks \(metadata.backbone.blocksPerStage)) needs at least \(Int(least.rounded())) weights, the file holds \(Int(values)) values")
        }
    }

    /// Missing and extra names and shape mismatches, one line each.
    static func differences(_ shapes: [String: [Int]], from model: ResNetLRNModel) -> [String] {
        let expected = Dictionary(uniqueKeysWithValues: model.namedStateEntries.map { ($0.name, $0.tensor.shape) })
        var lines: [String] = []
        let missing = expected.keys.filter { shapes[$0] == nil }.sorted()
        let extra = shapes.keys.filter { expected[$0] == nil }.sorted()
        if !missing.isEmpty { lines.append("missing tensors: \(list(missing))") }
        if !extra.isEmpty { lines.append("unexpected tensors: \(list(extra))") }
        for name in expected.keys.sorted() {
            if let found = shapes[name], found != expected[name]! {
                lines.append("tensor '\(name)' has shape \(shapeString(found)), expected \(shapeString(expected[name]!))")
            }
        }
        return lines
    }

    /// NaN and ±∞ are refused by name: a model that diverged must not give numbers that look fine.
    static func requireFinite(_ tensor: Tensor<Float>, name: String, path: String) throws {
        for i in 0..<tensor.count where !tensor.data[i].isFinite {
            throw InferenceError.invalidModelFile(path: path, reason: "tensor '\(name)' holds \(tensor.data[i]) at element \(i); the model diverged or the file is damaged")
        }
    }
}

private func list(_ names: [String]) -> String {
    names.count <= 8 ? names.joined(separator: ", ") : names.prefix(8).joined(separator: ", ") + " and \(names.count - 8) more"
}
