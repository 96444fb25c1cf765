import FERData
import Foundation
import Testing

/// Small files whose headers claim huge sizes: refused from the header, before any pixel buffer.
enum HugeHeaders {
    /// A real 2×2 PNG whose IHDR claims `width`×`height`, with the IHDR CRC recomputed so that
    /// libpng accepts the header.
    static func png(width: Int, height: Int) throws -> [UInt8] {
        var bytes = try ImageCodec.encodePNG(RGBImage(width: 2, height: 2, red: 10, green: 20, blue: 30))
        // Signature (8 bytes), chunk length (4), "IHDR" (4), width (4), height (4), 5 more data bytes, CRC (4).
        #expect(Array(bytes[12..<16]) == Array("IHDR".utf8))
        putBigEndian(UInt32(width), into: &bytes, at: 16, count: 4)
        putBigEndian(UInt32(height), into: &bytes, at: 20, count: 4)
        putBigEndian(crc32(bytes[12..<29]), into: &bytes, at: 29, count: 4)
        return bytes
    }

    /// A real 16×16 baseline JPEG whose SOF0 segment claims `width`×`height` (16 bits each).
    static func jpeg(width: Int, height: Int) throws -> [UInt8] {
        var bytes = try ImageCodec.encodeJPEG(RGBImage(width: 16, height: 16, red: 10, green: 20, blue: 30))
        let sof = (2..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }!
        // FF C0, segment length (2), precision (1), height (2), width (2).
        putBigEndian(UInt32(height), into: &bytes, at: sof + 5, count: 2)
        putBigEndian(UInt32(width), into: &bytes, at: sof + 7, count: 2)
        return bytes
    }

    static func putBigEndian(_ value: UInt32, into bytes: inout [UInt8], at offset: Int, count: Int) {
        for i in 0..<count { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(count - 1 - i))) }
    }

    /// CRC-32 as PNG chunks use it (polynomial 0xEDB88320, bit by bit: only a few bytes here).
    static func crc32(_ data: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

@Suite struct ImageSizeLimitTests {
    /// The message names the file, the claimed size and the limits.
    func expectRefused(_ bytes: [UInt8], name: String, width: Int, height: Int) {
        let folder = TemporaryFolder()
        folder.write(bytes: bytes, to: name)
        let started = Date()
        let message = errorMessage { _ = try ImageCodec.load(path: folder.file(name)) }
        let seconds = Date().timeIntervalSince(started)
        #expect(message.contains(folder.file(name)) && message.contains("\(width)x\(height)")
                && message.contains("too large") && message.contains("16384") && message.contains("67108864"),
                "\(message)")
        #expect(seconds < 2, "refusing \(name) took \(seconds) s")
    }

    @Test func hugePNGHeadersAreRefusedBeforeAllocating() throws {
        // 100000×100000 used to abort the process ("failed to allocate 30000000032 bytes").
        for (width, height) in [(100_000, 100_000), (16_385, 1), (1, 16_385), (9000, 9000)] {
            expectRefused(try HugeHeaders.png(width: width, height: height), name: "huge-\(width).png", width: width, height: height)
        }
    }

    @Test func hugeJPEGHeadersAreRefusedBeforeDecoding() throws {
        // 65000×65000 used to run for about a minute, 16000×16000 to take 781 MB before failing.
        for (width, height) in [(65_000, 65_000), (16_000, 16_000), (20_000, 8), (8200, 8200)] {
            expectRefused(try HugeHeaders.jpeg(width: width, height: height), name: "huge-\(width).jpg", width: width, height: height)
        }
    }

    @Test func sizesWithinTheLimitsAreDecodedAsBefore() throws {
        #expect(ImageCodec.maximumSide == 16384 && ImageCodec.maximumPixels == 8192 * 8192)
        // A header at the side limit passes the check; the (patched, so too short) data then fails as corrupt.
        let png = errorMessage { _ = try ImageCodec.decode(try HugeHeaders.png(width: 16_384, height: 2), path: "edge.png") }
        #expect(png.contains("corrupt") && !png.contains("too large"), "\(png)")
        let jpeg = errorMessage { _ = try ImageCodec.decode(try HugeHeaders.jpeg(width: 64, height: 16_384), path: "edge.jpg") }
        #expect(!jpeg.contains("too large"), "\(jpeg)")
        // Untouched, the helpers' images decode.
        #expect(try ImageCodec.decode(try HugeHeaders.png(width: 2, height: 2), path: "ok.png").width == 2)
        #expect(try ImageCodec.decode(try HugeHeaders.jpeg(width: 16, height: 16), path: "ok.jpg").width == 16)
    }
}
