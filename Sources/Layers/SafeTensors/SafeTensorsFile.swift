import Autodiff
import Foundation

/// A parsed, fully validated safetensors file: its tensors' descriptions, its `__metadata__`,
/// and the data bytes. Construction checks everything the format's reference implementation
/// checks, so that every later access is in bounds:
/// - 8-byte little-endian header length N, N ≤ 100,000,000 and 8 + N ≤ file size;
/// - the header is UTF-8 JSON starting with `{`, an object of tensor entries
///   `{"dtype": ..., "shape": [...], "data_offsets": [begin, end]}` plus an optional
///   `__metadata__` object of strings;
/// - every dtype is known; the tensors, sorted by offsets, tile the data section from 0 with no
///   gap or overlap; each spans element count x dtype size bytes;
/// - the data section is exactly as long as the tensors need.
public struct SafeTensorsFile: Sendable {
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: SafeTensorsDType
        public let shape: [Int]
        /// Byte range inside the data section (after the header).
        public let dataOffsets: Range<Int>
        public var elementCount: Int { shape.reduce(1, *) }
    }

    public static let maximumHeaderSize = 100_000_000

    /// Tensors in the order of their data (which is also their order in a file we write).
    public let entries: [Entry]
    public let metadata: [String: String]
    private let bytes: [UInt8]
    private let dataStart: Int
    private let index: [String: Int]

    public var names: [String] { entries.map(\.name) }
    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// Reads and validates a file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SafeTensorsError.io(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data))
    }

    /// Validates an in-memory file.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 8 else { throw SafeTensorsError.headerTooSmall(fileSize: bytes.count) }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(Self.maximumHeaderSize) else {
            throw SafeTensorsError.headerTooLarge(length: length, limit: Self.maximumHeaderSize)
        }
        let headerLength = Int(length)
        guard 8 + headerLength <= bytes.count else {
            throw SafeTensorsError.headerLengthBeyondFile(length: length, fileSize: bytes.count)
        }
        let header = Array(bytes[8..<(8 + headerLength)])
        guard String(validating: header, as: UTF8.self) != nil else { throw SafeTensorsError.headerNotUTF8 }
        guard header.first == UInt8(ascii: "{") else {
            throw SafeTensorsError.headerDoesNotStartWithBrace(firstByte: header.first)
        }
        let json = try JSONParser.parse(header)
        let (entries, metadata) = try Self.entries(from: json)
        let dataSize = try Self.validateLayout(entries)
        let available = bytes.count - 8 - headerLength
        guard dataSize == available else { throw SafeTensorsError.dataSizeMismatch(expected: dataSize, actual: available) }

        self.entries = entries
        self.metadata = metadata
        self.bytes = bytes
        self.dataStart = 8 + headerLength
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() { index[entry.name] = i }
        self.index = index
    }

    /// Turns the header object into entries sorted by data offset (and the metadata).
    private static func entries(from json: JSONValue) throws -> ([Entry], [String: String]) {
        guard case .object(let members) = json else {
            throw SafeTensorsError.invalidHeaderEntry(tensor: "", reason: "the header is \(json.kind), expected an object")
        }
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else {
                    throw SafeTensorsError.invalidHeaderEntry(tensor: name, reason: "is \(value.kind), expected an object of strings")
                }
                for (key, item) in pairs {
                    guard case .string(let text) = item else {
                        throw SafeTensorsError.invalidHeaderEntry(tensor: name, reason: "value of '\(key)' is \(item.kind), expected a string")
                    }
                    metadata[key] = text
                }
                continue
            }
            entries.append(try entry(named: name, from: value))
        }
        entries.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound) }
        return (entries, metadata)
    }

    private static func entry(named name: String, from value: JSONValue) throws -> Entry {
        guard case .object(let fields) = value else {
            throw SafeTensorsError.invalidHeaderEntry(tensor: name, reason: "is \(value.kind), expected an object with dtype, shape and data_offsets")
        }
        var dtypeValue: JSONValue?, shapeValue: JSONValue?, offsetsValue: JSONValue?
        for (key, field) in fields {
            switch key {
            case "dtype": dtypeValue = field
            case "shape": shapeValue = field
            case "data_offsets": offsetsValue = field
            default: break  // other fields are ignored, as by the reference implementation
            }
        }
        guard case .string(let dtypeName)? = dtypeValue else {
            throw SafeTensorsError.invalidHeaderEntry(tensor: name, reason: "dtype is \(dtypeValue?.kind ?? "missing"), expected a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw SafeTensorsError.unknownDType(tensor: name, dtype: dtypeName)
        }
        guard case .array(let dims)? = shapeValue else {
            throw SafeTensorsError.invalidHeaderEntry(tensor: name, reason: "shape is \(shapeValue?.kind ?? "missing"), expected an array of non-negative integers")
        }
        var shape: [Int] = []
        for dim in dims {
            guard let size = dim.nonNegativeInt else {
                throw SafeTensorsError.invalidHeaderEntry(tensor: name, reason: "shape contains \(dim.kind), expected non-negative integers")
            }
            shape.append(size)
        }
        guard case .array(let offsets)? = offsetsValue, offsets.count == 2,
              let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt else {
            throw SafeTensorsError.invalidHeaderEntry(tensor: name, reason: "data_offsets is \(offsetsValue?.kind ?? "missing"), expected [begin, end] with non-negative integers")
        }
        guard end >= begin else { throw SafeTensorsError.invalidOffsets(tensor: name, start: begin, end: end, expectedStart: begin) }
        return Entry(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// Checks that the sorted entries tile [0, total) and each spans its size; returns total.
    private static func validateLayout(_ entries: [Entry]) throws -> Int {
        var expectedStart = 0
        for entry in entries {
            let range = entry.dataOffsets
            guard range.lowerBound == expectedStart else {
                throw SafeTensorsError.invalidOffsets(tensor: entry.name, start: range.lowerBound, end: range.upperBound, expectedStart: expectedStart)
            }
            // The product of the non-zero sizes must fit too (stricter than the reference), so that
            // strides of an empty tensor such as [0, 2^62, 2^62] cannot overflow later.
            var nonZeroProduct = 1
            for size in entry.shape where size != 0 {
                let (product, overflow) = nonZeroProduct.multipliedReportingOverflow(by: size)
                guard !overflow else { throw SafeTensorsError.shapeOverflow(tensor: entry.name, shape: entry.shape) }
                nonZeroProduct = product
            }
            let elements = entry.shape.contains(0) ? 0 : nonZeroProduct
            let (byteCount, overflow) = elements.multipliedReportingOverflow(by: entry.dtype.byteSize)
            guard !overflow else { throw SafeTensorsError.shapeOverflow(tensor: entry.name, shape: entry.shape) }
            guard byteCount == range.count else {
                throw SafeTensorsError.byteCountMismatch(tensor: entry.name, dtype: entry.dtype.rawValue, shape: entry.shape,
                                                         expectedBytes: byteCount, actualBytes: range.count)
            }
            expectedStart = range.upperBound
        }
        return expectedStart
    }

    /// The raw little-endian bytes of a tensor.
    public func rawBytes(of name: String) throws -> ArraySlice<UInt8> {
        guard let entry = entry(name) else { throw SafeTensorsError.tensorNotFound(name) }
        return bytes[(dataStart + entry.dataOffsets.lowerBound)..<(dataStart + entry.dataOffsets.upperBound)]
    }

    /// A tensor converted to `S` (F16/BF16/integers widen exactly; F64 to F32 rounds).
    public func tensor<S: TensorScalar>(_ name: String, as type: S.Type = S.self) throws -> Tensor<S> {
        guard let entry = entry(name) else { throw SafeTensorsError.tensorNotFound(name) }
        guard entry.dtype.isConvertible else {
            throw SafeTensorsError.unsupportedConversion(tensor: name, dtype: entry.dtype.rawValue)
        }
        let out = Tensor<S>(uninitializedShape: entry.shape)
        let start = dataStart + entry.dataOffsets.lowerBound
        bytes.withUnsafeBytes { all in
            let raw = UnsafeRawBufferPointer(rebasing: all[start..<(start + entry.dataOffsets.count)])
            if entry.dtype.rawValue == S.dtypeName {
                // Same type: copy the bytes (bit for bit, little-endian hosts).
                if raw.count > 0 { UnsafeMutableRawPointer(out.data).copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
            } else {
                for i in 0..<entry.elementCount { out.data[i] = S(entry.dtype.value(in: raw, at: i)) }
            }
        }
        return out
    }

    /// Every tensor, converted to `S`, by name.
    public func tensors<S: TensorScalar>(as type: S.Type = S.self) throws -> [String: Tensor<S>] {
        var out: [String: Tensor<S>] = [:]
        for entry in entries { out[entry.name] = try tensor(entry.name, as: S.self) }
        return out
    }
}
