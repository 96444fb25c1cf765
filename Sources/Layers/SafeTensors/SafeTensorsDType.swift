/// The element types the safetensors format defines. All are recognised when validating a file;
/// all but the 8-bit float formats can be converted to a `Float` or `Double` tensor (F16 and
/// BF16 exactly, integers by value, so that PyTorch's int64 `num_batches_tracked` loads too).
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL"
    case u8 = "U8", i8 = "I8", u16 = "U16", i16 = "I16", u32 = "U32", i32 = "I32", u64 = "U64", i64 = "I64"
    case f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case f16 = "F16", bf16 = "BF16", f32 = "F32", f64 = "F64"

    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: return 1
        case .u16, .i16, .f16, .bf16: return 2
        case .u32, .i32, .f32: return 4
        case .u64, .i64, .f64: return 8
        }
    }

    var isConvertible: Bool { self != .f8e5m2 && self != .f8e4m3 }

    /// Element `index` of little-endian raw data as a Double (exact for every convertible type
    /// except 64-bit integers beyond 2^53).
    @inline(__always)
    func value(in raw: UnsafeRawBufferPointer, at index: Int) -> Double {
        let offset = index * byteSize
        func load<T: FixedWidthInteger>(_: T.Type) -> T {
            T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        switch self {
        case .bool: return raw[offset] != 0 ? 1 : 0
        case .u8: return Double(raw[offset])
        case .i8: return Double(Int8(bitPattern: raw[offset]))
        case .u16: return Double(load(UInt16.self))
        case .i16: return Double(load(Int16.self))
        case .u32: return Double(load(UInt32.self))
        case .i32: return Double(load(Int32.self))
        case .u64: return Double(load(UInt64.self))
        case .i64: return Double(load(Int64.self))
        case .f16: return Double(halfToFloat(load(UInt16.self)))
        case .bf16: return Double(Float(bitPattern: UInt32(load(UInt16.self)) << 16))
        case .f32: return Double(Float(bitPattern: load(UInt32.self)))
        case .f64: return Double(bitPattern: load(UInt64.self))
        case .f8e5m2, .f8e4m3: return .nan  // refused before conversion (isConvertible)
        }
    }
}

/// IEEE 754 half precision to single, bit by bit (Float16 is not available on every platform).
func halfToFloat(_ bits: UInt16) -> Float {
    let sign = UInt32(bits & 0x8000) << 16
    let exponent = Int((bits >> 10) & 0x1F)
    var mantissa = UInt32(bits & 0x3FF)
    if exponent == 0x1F {  // infinity or NaN
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {
        if mantissa == 0 { return Float(bitPattern: sign) }
        // Subnormal half: normalise it for single precision.
        var e = -1
        repeat { mantissa <<= 1; e += 1 } while mantissa & 0x400 == 0
        mantissa &= 0x3FF
        return Float(bitPattern: sign | UInt32(127 - 15 - e) << 23 | mantissa << 13)
    }
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
}
