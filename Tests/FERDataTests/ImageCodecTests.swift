import FERData
import Foundation
import Testing

@Suite struct ImageCodecTests {
    /// An image with a gradient and a distinct corner, so that orientation errors show.
    func pattern(width: Int = 16, height: Int = 12) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels += [UInt8(x * 255 / (width - 1)), UInt8(y * 255 / (height - 1)), x < 3 && y < 3 ? 255 : 40]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test func pngRoundTripIsExact() throws {
        let image = pattern()
        let bytes = try ImageCodec.encodePNG(image)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try ImageCodec.decode(bytes, path: "memory.png") == image)
    }

    @Test func jpegRoundTripIsClose() throws {
        let image = pattern()
        let bytes = try ImageCodec.encodeJPEG(image, quality: 98)
        #expect(bytes.starts(with: [0xFF, 0xD8, 0xFF]))
        let decoded = try ImageCodec.decode(bytes, path: "memory.jpg")
        #expect(decoded.width == 16 && decoded.height == 12)
        let maxError = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max()!
        #expect(maxError <= 12, "JPEG at quality 98 differs by \(maxError)")
        // And not trivially: a different image is far away.
        let other = try ImageCodec.decode(try ImageCodec.encodeJPEG(pattern().flippedHorizontally(), quality: 98), path: "m")
        #expect(zip(other.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max()! > 100)
    }

    @Test func saveAndLoadByExtension() throws {
        let folder = TemporaryFolder()
        let image = pattern()
        try ImageCodec.save(image, path: folder.file("a.png"))
        try ImageCodec.save(image, path: folder.file("b.jpeg"))
        #expect(try ImageCodec.load(path: folder.file("a.png")) == image)
        #expect(try ImageCodec.load(path: folder.file("b.jpeg")).width == 16)
        #expect(errorMessage { try ImageCodec.save(image, path: folder.file("c.gif")) }.contains("c.gif"))
    }

    @Test func greyBecomesRGB() throws {
        let grey: [UInt8] = [0, 50, 100, 150, 200, 250]
        let decoded = try ImageCodec.decode(try ImageCodec.encodeGreyPNG(grey, width: 3, height: 2), path: "g.png")
        #expect(decoded.width == 3 && decoded.height == 2)
        #expect(decoded.pixels == grey.flatMap { [$0, $0, $0] })
        #expect(RGBImage(width: 3, height: 2, grey: grey) == decoded)
    }

    @Test func truncatedJPEGNamesTheFile() throws {
        let folder = TemporaryFolder()
        let bytes = try ImageCodec.encodeJPEG(pattern(width: 64, height: 64), quality: 90)
        folder.write(bytes: Array(bytes.prefix(bytes.count / 2)), to: "cut.jpg")
        let message = errorMessage { _ = try ImageCodec.load(path: folder.file("cut.jpg")) }
        #expect(message.contains("cut.jpg") && message.contains("corrupt"), "\(message)")
    }

    @Test func corruptPNGNamesTheFile() throws {
        let folder = TemporaryFolder()
        var bytes = try ImageCodec.encodePNG(pattern())
        for i in 40..<min(bytes.count, 80) { bytes[i] ^= 0x5A }
        folder.write(bytes: bytes, to: "bad.png")
        folder.write(bytes: Array(try ImageCodec.encodePNG(pattern()).prefix(30)), to: "short.png")
        for name in ["bad.png", "short.png"] {
            let message = errorMessage { _ = try ImageCodec.load(path: folder.file(name)) }
            #expect(message.contains(name) && message.contains("corrupt"), "\(message)")
        }
    }

    @Test func unsupportedEmptyAndMissingFilesNameTheFile() {
        let folder = TemporaryFolder()
        folder.write("GIF89a not really", to: "x.jpg")
        folder.write("", to: "empty.png")
        let unsupported = errorMessage { _ = try ImageCodec.load(path: folder.file("x.jpg")) }
        #expect(unsupported.contains("x.jpg") && unsupported.contains("not a JPEG or PNG"), "\(unsupported)")
        let empty = errorMessage { _ = try ImageCodec.load(path: folder.file("empty.png")) }
        #expect(empty.contains("empty.png") && empty.contains("empty"), "\(empty)")
        let missing = errorMessage { _ = try ImageCodec.load(path: folder.file("nope.jpg")) }
        #expect(missing.contains("nope.jpg") && missing.contains("not found"), "\(missing)")
    }
}
