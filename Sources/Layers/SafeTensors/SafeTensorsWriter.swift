import Autodiff
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Serialises tensors to the safetensors format: 8-byte little-endian header length, a JSON
/// header padded with spaces to a multiple of 8 bytes (so the data is aligned), then each
/// tensor's little-endian bytes in the order given.
public enum SafeTensorsWriter {
    public static func serialize<S: TensorScalar>(_ tensors: [(name: String, tensor: Tensor<S>)],
                                                  metadata: [String: String] = [:]) throws -> [UInt8] {
        var seen = Set<String>()
        for (name, _) in tensors where !seen.insert(name).inserted {
            throw SafeTensorsError.invalidHeaderEntry(tensor: name, reason: "appears twice among the tensors to write")
        }
        if seen.contains("__metadata__") {
            throw SafeTensorsError.invalidHeaderEntry(tensor: "__metadata__", reason: "is reserved for metadata and cannot name a tensor")
        }
        var parts: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { JSONWriter.quoted($0) + ":" + JSONWriter.quoted(metadata[$0]!) }
            parts.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        let elementSize = MemoryLayout<S>.size
        for (name, tensor) in tensors {
            let bytes = tensor.count * elementSize
            parts.append(JSONWriter.quoted(name) + ":{\"dtype\":\"\(S.dtypeName)\",\"shape\":["
                         + tensor.shape.map(String.init).joined(separator: ",")
                         + "],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        guard header.count <= SafeTensorsFile.maximumHeaderSize else {
            throw SafeTensorsError.headerTooLarge(length: UInt64(header.count), limit: SafeTensorsFile.maximumHeaderSize)
        }

        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        let length = UInt64(header.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        out.append(contentsOf: header)
        for (_, tensor) in tensors {
            // Tensors are stored natively; on a little-endian host that is the file's byte order.
            let raw = UnsafeRawBufferPointer(start: tensor.data, count: tensor.count * elementSize)
            out.append(contentsOf: raw)
        }
        return out
    }

    /// Writes a file atomically: the bytes go to a temporary file in the same directory, which
    /// is flushed to disk and then renamed over `url`. A crash never leaves a half-written checkpoint.
    public static func write<S: TensorScalar>(_ tensors: [(name: String, tensor: Tensor<S>)],
                                              metadata: [String: String] = [:], to url: URL) throws {
        try Autodiff.writeAtomically(try serialize(tensors, metadata: metadata), to: url)
    }

    /// Writes a dictionary of tensors (laid out in name order, so equal states give equal files).
    public static func write<S: TensorScalar>(_ tensors: [String: Tensor<S>], metadata: [String: String] = [:], to url: URL) throws {
        try write(tensors.keys.sorted().map { (name: $0, tensor: tensors[$0]!) }, metadata: metadata, to: url)
    }
}

