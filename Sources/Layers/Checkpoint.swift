import Autodiff
import Foundation

/// What loading a state dict into a module did: which names matched, and which did not.
public struct StateDictLoadReport: CustomStringConvertible, Sendable, Equatable {
    public struct ShapeMismatch: Sendable, Equatable {
        public let name: String
        public let expected: [Int]
        public let found: [Int]
    }

    /// Names copied into the module.
    public var loaded: [String] = []
    /// Module entries the checkpoint does not have (left as they were).
    public var missingKeys: [String] = []
    /// Checkpoint entries the module does not have (ignored).
    public var unexpectedKeys: [String] = []
    /// Entries present on both sides with different shapes (left as they were).
    public var shapeMismatches: [ShapeMismatch] = []

    public var isComplete: Bool { missingKeys.isEmpty && unexpectedKeys.isEmpty && shapeMismatches.isEmpty }

    public var description: String {
        var lines = ["loaded \(loaded.count) tensors"]
        if !missingKeys.isEmpty { lines.append("missing from the checkpoint (\(missingKeys.count)): \(missingKeys.joined(separator: ", "))") }
        if !unexpectedKeys.isEmpty { lines.append("not in the model (\(unexpectedKeys.count)): \(unexpectedKeys.joined(separator: ", "))") }
        for m in shapeMismatches {
            lines.append("shape mismatch for \(m.name): model \(shapeString(m.expected)), checkpoint \(shapeString(m.found))")
        }
        return lines.joined(separator: "\n")
    }
}

public enum CheckpointError: Error, CustomStringConvertible {
    /// Strict loading found names or shapes that do not line up; nothing was changed.
    case incompatible(path: String, report: StateDictLoadReport)
    /// A tensor to load holds NaN or infinite values ("9408 NaN values"); nothing was changed.
    case nonFinite(path: String, tensor: String, problem: String)

    public var description: String {
        switch self {
        case .incompatible(let path, let report):
            return "checkpoint \(path) does not match the model (strict loading; the model is unchanged):\n\(report)\nUse strict: false to load what matches."
        case .nonFinite(let path, let tensor, let problem):
            return "checkpoint \(path): \(tensor) holds \(problem); refusing to load it (the model is unchanged)"
        }
    }
}

extension Module {
    /// Parameters then buffers, in declaration order, by state-dict name.
    public var namedStateEntries: [(name: String, tensor: Tensor<Scalar>)] { namedParameters + namedBuffers }

    /// Copies matching tensors of `file` into this module's parameters and buffers (converting
    /// the dtype). Strict: any missing or unexpected name or shape mismatch throws and nothing
    /// changes. Tensors holding NaN or Inf are refused (nothing changes). Non-strict: what matches is loaded and the rest listed in the report (e.g. a
    /// pretrained backbone whose classifier has another number of classes).
    /// `prefix` is put before every name of this module to find it in the file: a module that is
    /// a part of the file's model ("backbone." in a model file of ours); the report's names are
    /// the file's.
    @discardableResult
    public func load(_ file: SafeTensorsFile, strict: Bool = true, source: String = "state dict",
                     prefix: String = "") throws -> StateDictLoadReport {
        var report = StateDictLoadReport()
        let own = namedStateEntries.map { (name: prefix + $0.name, tensor: $0.tensor) }
        let ownNames = Set(own.map(\.name))
        var toCopy: [(String, Tensor<Scalar>)] = []
        for (name, tensor) in own {
            guard let entry = file.entry(name) else { report.missingKeys.append(name); continue }
            if entry.shape != tensor.shape {
                report.shapeMismatches.append(.init(name: name, expected: tensor.shape, found: entry.shape))
                continue
            }
            toCopy.append((name, tensor))
        }
        report.unexpectedKeys = file.names.filter { !ownNames.contains($0) }.sorted()
        if strict && !report.isComplete {
            throw CheckpointError.incompatible(path: source, report: report)
        }
        // Convert everything first so that a conversion error leaves the module untouched.
        let values = try toCopy.map { (name, _) in try file.tensor(name, as: Scalar.self) }
        for ((name, _), value) in zip(toCopy, values) {
            if let problem = nonFiniteSummary(value) { throw CheckpointError.nonFinite(path: source, tensor: name, problem: problem) }
        }
        for ((name, tensor), value) in zip(toCopy, values) {
            tensor.assign(value)
            report.loaded.append(name)
        }
        return report
    }

    /// Reads a safetensors checkpoint and loads it (see `load(_:strict:source:prefix:)`).
    @discardableResult
    public func load(from url: URL, strict: Bool = true, prefix: String = "") throws -> StateDictLoadReport {
        try load(try SafeTensorsFile(contentsOf: url), strict: strict, source: url.path, prefix: prefix)
    }

    /// Where this module's tensors sit in `file`: the shortest prefix ("", or ending in ".") that
    /// makes a name of `file` out of this module's first tensor name; nil if none does. Finds a
    /// backbone inside a whole model's file ("backbone.", "model.backbone." in a checkpoint).
    public func statePrefix(in file: SafeTensorsFile) -> String? {
        guard let first = namedStateEntries.first?.name else { return nil }
        return file.names.filter { $0.hasSuffix(first) }
            .map { String($0.dropLast(first.count)) }
            .filter { $0.isEmpty || $0.hasSuffix(".") }
            .min { $0.count < $1.count }
    }

    /// Writes parameters and buffers to a safetensors file, atomically, in this module's Scalar type.
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensorsWriter.write(namedStateEntries, metadata: metadata, to: url)
    }
}
