import Autodiff
import Foundation
import Layers

/// A checkpoint on disk: a safetensors file (Layers' reader and writer) whose `__metadata__`
/// map carries the run's non-tensor state (epoch, history, fingerprint). Any safetensors reader
/// (PyTorch's `safetensors.torch.load_file`) opens it.
public struct CheckpointFile {
    public var tensors: [String: Tensor<Float>]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor<Float>], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Writes to a temporary file beside `url`, flushes it and renames it into place: a run
    /// killed while writing leaves the previous checkpoint whole. Tensors go in name order, so
    /// equal states give equal files.
    public func write(to url: URL) throws {
        do {
            try SafeTensorsWriter.write(tensors, metadata: metadata, to: url)
        } catch {
            throw TrainingError.io("cannot write checkpoint \(url.path): \(error)")
        }
    }

    /// Reads a checkpoint; every way a file can be wrong gives an error naming the file and the fault.
    public static func read(from url: URL) throws -> CheckpointFile {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError.unreadableCheckpoint(path: path, reason: "no such file")
        }
        do {
            let file = try SafeTensorsFile(contentsOf: url)
            return CheckpointFile(tensors: try file.tensors(as: Float.self), metadata: file.metadata)
        } catch {
            throw TrainingError.unreadableCheckpoint(path: path, reason: "\(error)")
        }
    }
}
