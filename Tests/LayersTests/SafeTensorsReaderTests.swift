import Autodiff
import Foundation
import Layers
import Testing

/// Builds a safetensors file from a header string and data bytes (for malformed-file tests).
func safetensorsBytes(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let h = Array(header.utf8)
    let length = declaredLength ?? UInt64(h.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + h + data
}

@Suite struct SafeTensorsReaderTests {
    @Test func readsEveryDTypeWrittenByPythonSafetensors() throws {
        let bytes = try #require(Data(base64Encoded: PyTorchFixtures.dtypesFile))
        let file = try SafeTensorsFile(bytes: [UInt8](bytes))
        #expect(file.metadata == ["format": "pt", "producer": "make_layers_fixtures.py"])
        #expect(Set(file.names) == ["half", "brain", "single", "double", "count", "empty"])
        #expect(file.entry("half")?.dtype == .f16)
        #expect(file.entry("brain")?.dtype == .bf16)

        let half = try file.tensor("half", as: Float.self)
        #expect(half.shape == [2, 3])
        #expect(half.scalars.map(Double.init) == PyTorchFixtures.dtypesHalf)
        #expect(try file.tensor("brain", as: Float.self).scalars.map(Double.init) == PyTorchFixtures.dtypesBrain)
        #expect(try file.tensor("single", as: Float.self).scalars.map(Double.init) == PyTorchFixtures.dtypesSingle)
        #expect(try file.tensor("double", as: Double.self).scalars == PyTorchFixtures.dtypesDouble)
        let count = try file.tensor("count", as: Float.self)
        #expect(count.shape == [] && count.scalar == 42)
        #expect(try file.tensor("empty", as: Float.self).shape == [0, 3])
        #expect(throws: SafeTensorsError.tensorNotFound("nope")) { try file.tensor("nope", as: Float.self) }
    }

    @Test func halfPrecisionConversionIsExactForEveryBitPattern() throws {
        #if !(os(macOS) && arch(x86_64))  // Float16 is missing only there
        // All 65,536 half-precision bit patterns in one tensor, compared with Float16's own widening.
        let data = (0...UInt16.max).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let file = try SafeTensorsFile(bytes: safetensorsBytes(
            header: #"{"h":{"dtype":"F16","shape":[65536],"data_offsets":[0,131072]}}"#, data: data))
        let values = try file.tensor("h", as: Float.self)
        var mismatches = 0
        for bits in 0...Int(UInt16.max) {
            let expected = Float(Float16(bitPattern: UInt16(bits)))
            let got = values.data[bits]
            if expected.isNaN ? !got.isNaN : got.bitPattern != expected.bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #endif
    }

    @Test func refusesMalformedFilesWithSpecificErrors() {
        func error(_ bytes: [UInt8]) -> SafeTensorsError? {
            do { _ = try SafeTensorsFile(bytes: bytes); return nil } catch let e as SafeTensorsError { return e } catch { return nil }
        }
        let entry = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        #expect(error(safetensorsBytes(header: entry, data: [UInt8](repeating: 0, count: 8))) == nil)
        #expect(error([1, 2, 3]) == .headerTooSmall(fileSize: 3))
        #expect(error(safetensorsBytes(header: entry, declaredLength: 100_000_001)) == .headerTooLarge(length: 100_000_001, limit: 100_000_000))
        #expect(error(safetensorsBytes(header: entry, declaredLength: UInt64.max)) == .headerTooLarge(length: UInt64.max, limit: 100_000_000))
        #expect(error(safetensorsBytes(header: entry, declaredLength: 500)) == .headerLengthBeyondFile(length: 500, fileSize: 8 + entry.utf8.count))
        #expect(error(safetensorsBytes(header: " {}")) == .headerDoesNotStartWithBrace(firstByte: 0x20))
        #expect(error(safetensorsBytes(header: "")) == .headerDoesNotStartWithBrace(firstByte: nil))
        #expect(error([4, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF, 0xFE, 0x7D]) == .headerNotUTF8)
        #expect(error(safetensorsBytes(header: #"{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)))
                == .unknownDType(tensor: "a", dtype: "F33"))
        #expect(error(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)))
                == .byteCountMismatch(tensor: "a", dtype: "F32", shape: [3], expectedBytes: 12, actualBytes: 8))
        #expect(error(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: [UInt8](repeating: 0, count: 12)))
                == .invalidOffsets(tensor: "a", start: 4, end: 12, expectedStart: 0))
        // Overlap: b starts inside a.
        #expect(error(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                                       data: [UInt8](repeating: 0, count: 8)))
                == .invalidOffsets(tensor: "b", start: 4, end: 8, expectedStart: 8))
        #expect(error(safetensorsBytes(header: entry, data: [UInt8](repeating: 0, count: 9))) == .dataSizeMismatch(expected: 8, actual: 9))
        #expect(error(safetensorsBytes(header: entry, data: [UInt8](repeating: 0, count: 7))) == .dataSizeMismatch(expected: 8, actual: 7))
        #expect(error(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#))
                == .shapeOverflow(tensor: "a", shape: [4611686018427387904, 4]))
        #expect(error(safetensorsBytes(header: #"{"a":{"dtype":"F32","shape":[0,4611686018427387904,4],"data_offsets":[0,0]}}"#))
                == .shapeOverflow(tensor: "a", shape: [0, 4611686018427387904, 4]))
        // Offsets bigger than Int, negative or fractional sizes, wrong types, duplicate keys, deep nesting.
        for header in [#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,99999999999999999999999]}}"#,
                       #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#,
                       #"{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#,
                       #"{"a":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#,
                       #"{"a":{"dtype":"F32","shape":[2]}}"#,
                       #"{"a":[1,2]}"#,
                       #"{"__metadata__":{"x":1}}"#] {
            guard case .invalidHeaderEntry? = error(safetensorsBytes(header: header, data: [UInt8](repeating: 0, count: 8))) else {
                Issue.record("expected invalidHeaderEntry for \(header), got \(String(describing: error(safetensorsBytes(header: header, data: [UInt8](repeating: 0, count: 8)))))")
                continue
            }
        }
        for header in [#"{"a":1,"a":2}"#, "{" + String(repeating: "[", count: 10_000), #"{"a":}"#, "{\"a\":\"\u{1}\"}", #"{} x"#] {
            guard case .invalidJSON? = error(safetensorsBytes(header: header)) else {
                Issue.record("expected invalidJSON for \(header.prefix(40))")
                continue
            }
        }
    }

    @Test func errorMessagesNameTheTensorAndTheNumbers() {
        let message = SafeTensorsError.byteCountMismatch(tensor: "layer1.0.conv1.weight", dtype: "F32", shape: [64, 64, 3, 3],
                                                         expectedBytes: 147_456, actualBytes: 100).description
        #expect(message.contains("layer1.0.conv1.weight") && message.contains("[64, 64, 3, 3]") && message.contains("147456") && message.contains("100"))
    }

    @Test func acceptsPaddingUnknownFieldsAndEmptyFiles() throws {
        // Header padded with spaces (as writers align data to 8 bytes) and an extra field.
        let file = try SafeTensorsFile(bytes: safetensorsBytes(
            header: #"{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2],"extra":[1]}}    "#, data: [0x80, 0x3F]))
        #expect(try file.tensor("a", as: Double.self).scalar == 1)
        #expect(try SafeTensorsFile(bytes: safetensorsBytes(header: "{}")).entries.isEmpty)
        // F8 is a known dtype (validated) but not convertible.
        let f8 = try SafeTensorsFile(bytes: safetensorsBytes(header: #"{"q":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}"#, data: [1, 2]))
        #expect(throws: SafeTensorsError.unsupportedConversion(tensor: "q", dtype: "F8_E4M3")) { try f8.tensor("q", as: Float.self) }
    }
}
