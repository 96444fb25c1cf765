import CTurboJPEG
import FERData

/// Harnesses for the image decoders: `ImageCodec.decode` must return an image of the size the
/// header gives or throw a FERDataError, for any bytes.
public enum ImageHarnesses {
    /// Inputs whose header announces more pixels than this are skipped, not decoded: the decoder
    /// allocates the whole image up front, so a 12-byte header asking for 65535 x 65535 pixels is
    /// an out-of-memory report, not a finding. (The header size limit planned for ImageCodec
    /// will make these a thrown error; then this guard can go.)
    public static let pixelLimit = 1 << 22

    public static func png(_ bytes: [UInt8]) {
        if let (width, height) = pngHeaderSize(bytes), tooLarge(width, height) { return }
        decode(bytes, path: "fuzz-input.png")
    }

    public static func jpeg(_ bytes: [UInt8]) {
        if let (width, height) = jpegHeaderSize(bytes), tooLarge(width, height) { return }
        decode(bytes, path: "fuzz-input.jpg")
    }

    static func tooLarge(_ width: Int, _ height: Int) -> Bool {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        return overflow || pixels > pixelLimit
    }

    static func decode(_ bytes: [UInt8], path: String) {
        do {
            let image = try ImageCodec.decode(bytes, path: path)
            precondition(image.pixels.count == image.width * image.height * 3)
        } catch let error as FERDataError {
            precondition(error.description.contains(path), "the error does not name the file: \(error)")
        } catch {
            preconditionFailure("ImageCodec.decode threw \(type(of: error)), expected FERDataError: \(error)")
        }
    }

    /// Width and height of a PNG's IHDR chunk (libpng requires it first), nil when absent.
    static func pngHeaderSize(_ bytes: [UInt8]) -> (Int, Int)? {
        guard bytes.count >= 24, bytes[12..<16].elementsEqual("IHDR".utf8) else { return nil }
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    /// Width and height as libjpeg-turbo reads them from the header, nil when it cannot.
    static func jpegHeaderSize(_ bytes: [UInt8]) -> (Int, Int)? {
        guard let handle = tjInitDecompress() else { return nil }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        var source = bytes
        let status = source.withUnsafeMutableBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
        }
        return status == 0 ? (Int(width), Int(height)) : nil
    }
}
