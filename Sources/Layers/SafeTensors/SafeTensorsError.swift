/// Everything that can be wrong with a safetensors file, each case saying what and where, so a
/// user with a damaged or hostile checkpoint learns why it was refused instead of crashing.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    /// Fewer than the 8 bytes of the header-length prefix.
    case headerTooSmall(fileSize: Int)
    /// The header length exceeds the 100 MB limit of the format's reference implementation.
    case headerTooLarge(length: UInt64, limit: Int)
    /// The header length points past the end of the file.
    case headerLengthBeyondFile(length: UInt64, fileSize: Int)
    case headerNotUTF8
    /// The header must be a JSON object: its first byte must be `{`.
    case headerDoesNotStartWithBrace(firstByte: UInt8?)
    /// Malformed JSON, with the byte offset inside the header.
    case invalidJSON(offset: Int, reason: String)
    /// Well-formed JSON whose structure is not a safetensors header (wrong types, missing fields).
    case invalidHeaderEntry(tensor: String, reason: String)
    case unknownDType(tensor: String, dtype: String)
    /// Offsets that overlap, leave a gap, run backwards or do not start at 0.
    case invalidOffsets(tensor: String, start: Int, end: Int, expectedStart: Int)
    /// The shape's element count overflows.
    case shapeOverflow(tensor: String, shape: [Int])
    /// data_offsets span a different number of bytes than shape x dtype size.
    case byteCountMismatch(tensor: String, dtype: String, shape: [Int], expectedBytes: Int, actualBytes: Int)
    /// The data section (after the header) is not exactly as long as the tensors need.
    case dataSizeMismatch(expected: Int, actual: Int)
    case tensorNotFound(String)
    /// A dtype the file may hold but that cannot be converted to Float/Double (the F8 formats).
    case unsupportedConversion(tensor: String, dtype: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .headerTooSmall(let size):
            return "safetensors: file is \(size) bytes, too small for the 8-byte header length"
        case .headerTooLarge(let length, let limit):
            return "safetensors: header length \(length) bytes exceeds the limit of \(limit) bytes"
        case .headerLengthBeyondFile(let length, let size):
            return "safetensors: header length \(length) (+8) runs past the end of the \(size)-byte file"
        case .headerNotUTF8:
            return "safetensors: header is not valid UTF-8"
        case .headerDoesNotStartWithBrace(let byte):
            return "safetensors: header must start with '{', found \(byte.map { "byte 0x" + String($0, radix: 16) } ?? "nothing")"
        case .invalidJSON(let offset, let reason):
            return "safetensors: header JSON is malformed at byte \(offset) of the header: \(reason)"
        case .invalidHeaderEntry(let tensor, let reason):
            return "safetensors: header entry '\(tensor)': \(reason)"
        case .unknownDType(let tensor, let dtype):
            return "safetensors: tensor '\(tensor)' has unknown dtype '\(dtype)'"
        case .invalidOffsets(let tensor, let start, let end, let expected):
            return "safetensors: tensor '\(tensor)' has data_offsets [\(start), \(end)], expected to start at \(expected) and not run backwards (tensors must be contiguous)"
        case .shapeOverflow(let tensor, let shape):
            return "safetensors: tensor '\(tensor)' shape \(shapeString(shape)) has too many elements"
        case .byteCountMismatch(let tensor, let dtype, let shape, let expected, let actual):
            return "safetensors: tensor '\(tensor)' (\(dtype) \(shapeString(shape))) needs \(expected) bytes but its data_offsets span \(actual)"
        case .dataSizeMismatch(let expected, let actual):
            return "safetensors: tensors need \(expected) bytes of data but the file holds \(actual) after the header"
        case .tensorNotFound(let name):
            return "safetensors: no tensor named '\(name)'"
        case .unsupportedConversion(let tensor, let dtype):
            return "safetensors: tensor '\(tensor)' has dtype \(dtype), which cannot be converted to a floating-point tensor here"
        case .io(let path, let reason):
            return "safetensors: \(path): \(reason)"
        }
    }
}

import Autodiff
