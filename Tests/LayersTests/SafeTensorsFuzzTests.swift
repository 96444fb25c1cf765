import Autodiff
import Foundation
import Layers
import Testing

/// Hostile and damaged files: the reader must throw a SafeTensorsError or load a file whose
/// every tensor can then be read — never crash. A crash here kills the test process.
@Suite struct SafeTensorsFuzzTests {
    /// Outcome counts over a set of inputs.
    struct Tally { var loaded = 0, refused = 0 }

    /// Parses `bytes`; when it loads, reads every tensor in both scalar types.
    static func exercise(_ bytes: [UInt8], _ tally: inout Tally) {
        do {
            let file = try SafeTensorsFile(bytes: bytes)
            var total = 0
            for entry in file.entries {
                total += entry.dataOffsets.count
                if entry.dtype == .f8e4m3 || entry.dtype == .f8e5m2 {
                    #expect(throws: SafeTensorsError.self) { try file.tensor(entry.name, as: Float.self) }
                    continue
                }
                let f = try file.tensor(entry.name, as: Float.self)
                let d = try file.tensor(entry.name, as: Double.self)
                #expect(f.count == entry.elementCount && d.shape == entry.shape)
                _ = try file.rawBytes(of: entry.name)
            }
            #expect(total == file.entries.last.map { $0.dataOffsets.upperBound } ?? 0)
            tally.loaded += 1
        } catch is SafeTensorsError {
            tally.refused += 1
        } catch {
            Issue.record("unexpected error type \(type(of: error)): \(error)")
        }
    }

    static var validFiles: [[UInt8]] {
        let python = [UInt8](Data(base64Encoded: PyTorchFixtures.dtypesFile)!)
        let ours = try! SafeTensorsWriter.serialize([
            ("a", Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])),
            ("b.c", Tensor<Float>(shape: [], scalars: [7])),
            ("empty", Tensor<Float>(zeros: [0])),
        ], metadata: ["k": "v"])
        return [python, ours]
    }

    @Test func everyTruncationIsRefused() {
        for file in Self.validFiles {
            var tally = Tally()
            for length in 0..<file.count { Self.exercise(Array(file[..<length]), &tally) }
            #expect(tally.loaded == 0, "a truncated file loaded")
            #expect(tally.refused == file.count)
        }
    }

    @Test func everySingleBitFlipThrowsOrLoads() {
        for file in Self.validFiles {
            var tally = Tally()
            for bit in 0..<(file.count * 8) {
                var bytes = file
                bytes[bit / 8] ^= 1 << UInt8(bit % 8)
                Self.exercise(bytes, &tally)
            }
            // Flips in the data section load (values change); most flips in the header are refused.
            #expect(tally.loaded > 0 && tally.refused > 0, "loaded \(tally.loaded), refused \(tally.refused)")
        }
    }

    @Test func oversizedAndInconsistentHeaderLengthsAreRefused() {
        for file in Self.validFiles {
            let headerLength = Int(file[0]) | Int(file[1]) << 8 | Int(file[2]) << 16
            var tally = Tally()
            let lengths: [UInt64] = [0, 1, 2, 7, UInt64(headerLength - 1), UInt64(headerLength + 1), UInt64(file.count),
                                     100_000_000, 100_000_001, 1 << 32, 1 << 63, UInt64.max]
            for length in lengths {
                var bytes = file
                for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
                Self.exercise(bytes, &tally)
            }
            #expect(tally.loaded == 0 && tally.refused == lengths.count)
        }
    }

    @Test func garbageHeadersAreRefused() {
        var generator = RandomGenerator(seed: 2024)
        var tally = Tally()
        let jsonAlphabet = Array(#"{}[]",:0123456789.-eE dtypeshapdata_offsF32I64\u00"#.utf8)
        for round in 0..<3000 {
            let length = generator.int(below: 200)
            var header: [UInt8] = [UInt8(ascii: "{")]
            for _ in 0..<length {
                header.append(round % 2 == 0 ? UInt8(truncatingIfNeeded: generator.next()) : jsonAlphabet[generator.int(below: jsonAlphabet.count)])
            }
            let data = (0..<generator.int(below: 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let prefix = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64($0))) }
            Self.exercise(prefix + header + data, &tally)
        }
        #expect(tally.refused > 2900, "loaded \(tally.loaded) of 3000 garbage headers")
    }

    @Test func thousandsOfSeededRandomMutationsThrowOrLoad() {
        var generator = RandomGenerator(seed: 77)
        for file in Self.validFiles {
            var tally = Tally()
            for _ in 0..<3000 {
                var bytes = file
                for _ in 0..<(1 + generator.int(below: 4)) {
                    // Bias positions toward the header, where structure lives.
                    let headerEnd = min(bytes.count, 8 + (Int(file[0]) | Int(file[1]) << 8))
                    let limit = generator.int(below: 4) == 0 ? bytes.count : headerEnd
                    guard limit > 0 else { break }
                    let position = generator.int(below: limit)
                    switch generator.int(below: 6) {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                    case 2: bytes.remove(at: position)
                    case 3:  // replace a digit by another: shifts offsets and shapes plausibly
                        if let digit = bytes[position...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                            bytes[digit] = 0x30 + UInt8(generator.int(below: 10))
                        }
                    case 4:  // duplicate a slice
                        let end = min(bytes.count, position + 1 + generator.int(below: 16))
                        bytes.insert(contentsOf: Array(bytes[position..<end]), at: end)
                    default: bytes[position] ^= 0x80
                    }
                }
                Self.exercise(bytes, &tally)
            }
            #expect(tally.loaded + tally.refused == 3000)
            #expect(tally.refused > 0 && tally.loaded > 0, "loaded \(tally.loaded), refused \(tally.refused)")
        }
    }
}
