import Autodiff
import Foundation

/// A checkpoint on disk: a safetensors file (8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw little-endian data) whose
/// `__metadata__` map carries the run's non-tensor state (epoch, history, fingerprint). Any
/// safetensors reader (PyTorch's `safetensors.torch.load_file`) opens it.
public struct CheckpointFile {
    public var tensors: [String: Tensor<Float>]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor<Float>], metadata: [String: String]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The file's bytes. Tensors are laid out in name order, so equal states give equal files.
    public func encoded() throws -> Data {
        var header: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            let bytes = tensor.count * MemoryLayout<Float>.size
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces to a multiple of 8 so the data that follows is aligned.
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data(capacity: 8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            let tensor = tensors[name]!
            for value in tensor.scalars {
                var bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Writes to a temporary file beside `url` and renames it into place: a run killed while
    /// writing leaves the previous checkpoint whole.
    public func write(to url: URL) throws {
        try writeAtomically(try encoded(), to: url)
    }

    /// Reads a checkpoint; every way a file can be wrong gives an error naming the file and the fault.
    public static func read(from url: URL) throws -> CheckpointFile {
        let path = url.path
        func fail(_ reason: String) -> TrainingError { .unreadableCheckpoint(path: path, reason: reason) }
        guard FileManager.default.fileExists(atPath: path) else { throw fail("no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("the file cannot be opened (permissions?)") }
        guard data.count >= 8 else { throw fail("the file has \(data.count) bytes, too short for a safetensors header (8-byte length first)") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("the header claims \(headerLength) bytes but only \(data.count - 8) follow: truncated, or not a safetensors file")
        }
        let headerData = data.subdata(in: 8..<(8 + Int(headerLength)))
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw fail("the header is not a JSON object: not a safetensors file")
        }
        let body = data.subdata(in: (8 + Int(headerLength))..<data.count)
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let map = raw as? [String: String] else { throw fail("__metadata__ is not a map of strings") }
            metadata = map
        }
        var tensors: [String: Tensor<Float>] = [:]
        for (name, entry) in header where name != "__metadata__" {
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
                throw fail("tensor '\(name)' has no valid dtype/shape/data_offsets")
            }
            guard dtype == "F32" else { throw fail("tensor '\(name)' has dtype \(dtype); checkpoints hold F32") }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor '\(name)' has a negative dimension in \(shape)") }
            let count = shape.reduce(1, *)
            guard offsets[0] >= 0, offsets[1] <= body.count, offsets[1] - offsets[0] == count * 4 else {
                throw fail("tensor '\(name)' of shape \(shape) needs \(count * 4) bytes, its data_offsets \(offsets) give \(offsets[1] - offsets[0]) in a data section of \(body.count) bytes")
            }
            var scalars = [Float](repeating: 0, count: count)
            body.withUnsafeBytes { raw in
                for i in 0..<count {
                    let bits = raw.loadUnaligned(fromByteOffset: offsets[0] + 4 * i, as: UInt32.self)
                    scalars[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            }
            tensors[name] = Tensor(shape: shape, scalars: scalars)
        }
        return CheckpointFile(tensors: tensors, metadata: metadata)
    }
}
