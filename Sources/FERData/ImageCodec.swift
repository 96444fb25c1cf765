import Autodiff
import CPNG
import CTurboJPEG
import Foundation

/// The image file formats the library reads and writes.
public enum ImageFormat: String, Sendable {
    case jpeg, png

    /// Recognised by the first bytes, not the file name (files are sometimes misnamed).
    static func sniff(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        if bytes.count >= 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }

    /// By file extension, for writing.
    public init?(pathExtension: String) {
        switch pathExtension.lowercased() {
        case "jpg", "jpeg": self = .jpeg
        case "png": self = .png
        default: return nil
        }
    }
}

/// Decoding (JPEG through libjpeg-turbo, PNG through libpng's simplified API) to 8-bit RGB, and
/// encoding RGB back (for the generated data set and test fixtures). Every failure names the file.
public enum ImageCodec {
    /// The largest width or height accepted when decoding, checked from the file's header before
    /// any pixel buffer is allocated: a few bytes of header could otherwise ask for gigabytes.
    public static let maximumSide = 16_384
    /// The largest pixel count accepted when decoding (64 Mpx, 8192 x 8192: 192 MiB as RGB).
    public static let maximumPixels = 8192 * 8192

    /// Throws `imageTooLarge` for a header size over the limits.
    static func checkSize(width: Int, height: Int, path: String) throws {
        guard width <= maximumSide, height <= maximumSide, width * height <= maximumPixels else {
            throw FERDataError.imageTooLarge(path: path, width: width, height: height)
        }
    }

    /// Reads and decodes an image file, whatever its format; grey and palette images come back as RGB.
    public static func load(path: String) throws -> RGBImage {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw FERDataError.unreadableFile(path: path, reason: "permission denied or not a regular file")
            }
            throw FERDataError.missingFile(path: path, what: "image")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Decodes image bytes; `path` is only used in error messages.
    public static func decode(_ bytes: [UInt8], path: String) throws -> RGBImage {
        guard !bytes.isEmpty else { throw FERDataError.corruptImage(path: path, reason: "the file is empty") }
        switch ImageFormat.sniff(bytes) {
        case .jpeg: return try decodeJPEG(bytes, path: path)
        case .png: return try decodePNG(bytes, path: path)
        case nil:
            let head = bytes.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw FERDataError.unsupportedImage(path: path, reason: "not a JPEG or PNG file (first bytes: \(head))")
        }
    }

    /// Encodes and writes an image; the format follows the extension (.jpg/.jpeg or .png).
    /// Written with Autodiff's `writeAtomically`, so a reader never sees half a file.
    public static func save(_ image: RGBImage, path: String, jpegQuality: Int = 95) throws {
        let ext = (path as NSString).pathExtension
        guard let format = ImageFormat(pathExtension: ext) else {
            throw FERDataError.invalidValue("cannot save \(path): unknown image extension \".\(ext)\"; expected .jpg, .jpeg or .png")
        }
        let bytes = try format == .jpeg ? encodeJPEG(image, quality: jpegQuality) : encodePNG(image)
        try writeAtomically(bytes, to: URL(fileURLWithPath: path))
    }

    // MARK: JPEG

    static func decodeJPEG(_ bytes: [UInt8], path: String) throws -> RGBImage {
        guard let handle = tjInitDecompress() else {
            throw FERDataError.corruptImage(path: path, reason: "libjpeg-turbo could not start a decompressor")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        var source = bytes
        let headerStatus = source.withUnsafeMutableBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
        }
        guard headerStatus == 0 else {
            throw FERDataError.corruptImage(path: path, reason: "JPEG header: \(errorString(handle))")
        }
        guard width > 0, height > 0 else {
            throw FERDataError.corruptImage(path: path, reason: "JPEG header gives size \(width)x\(height)")
        }
        try checkSize(width: Int(width), height: Int(height), path: path)
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
        // Warnings (a truncated file, "premature end of data") also return -1: a truncated
        // face would otherwise train as a half-grey image.
        let status = source.withUnsafeMutableBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(src.count), dst.baseAddress, width, 0, height,
                              Int32(TJPF_RGB.rawValue), 0)
            }
        }
        guard status == 0 else {
            let message = errorString(handle)
            let isColorspace = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
            if isColorspace {
                throw FERDataError.unsupportedImage(path: path, reason: "CMYK/YCCK JPEG cannot be converted to RGB (\(message))")
            }
            throw FERDataError.corruptImage(path: path, reason: "JPEG data: \(message)")
        }
        return RGBImage(width: Int(width), height: Int(height), pixels: pixels)
    }

    /// Baseline JPEG, 4:4:4 chroma (no subsampling) so that colour edges of small faces survive.
    public static func encodeJPEG(_ image: RGBImage, quality: Int = 95) throws -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw FERDataError.invalidValue("JPEG quality \(quality) out of range; expected 1...100")
        }
        guard let handle = tjInitCompress() else {
            throw FERDataError.invalidValue("libjpeg-turbo could not start a compressor")
        }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                        &output, &size, Int32(TJSAMP_444.rawValue), Int32(quality), 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            throw FERDataError.invalidValue("JPEG encoding of a \(image.width)x\(image.height) image failed: \(errorString(handle))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    private static func errorString(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown libjpeg-turbo error" }
        return String(cString: text)
    }

    // MARK: PNG

    static func decodePNG(_ bytes: [UInt8], path: String) throws -> RGBImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = bytes.withUnsafeBufferPointer { buffer in
            png_image_begin_read_from_memory(&image, buffer.baseAddress, buffer.count)
        }
        guard begun != 0 else {
            let message = pngMessage(&image)
            png_image_free(&image)
            throw FERDataError.corruptImage(path: path, reason: "PNG header: \(message)")
        }
        // Alpha, palette, grey and 16-bit inputs are all converted by libpng to 8-bit RGB
        // (transparent parts composed onto black).
        image.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(image.width), height = Int(image.height)
        do {
            try checkSize(width: width, height: height, path: path)
        } catch {
            png_image_free(&image)
            throw error
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let finished = pixels.withUnsafeMutableBufferPointer { dst in
            png_image_finish_read(&image, nil, dst.baseAddress, 0, nil)
        }
        let message = pngMessage(&image)
        png_image_free(&image)
        guard finished != 0 else {
            throw FERDataError.corruptImage(path: path, reason: "PNG data: \(message)")
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    public static func encodePNG(_ image: RGBImage) throws -> [UInt8] {
        try encodePNG(pixels: image.pixels, width: image.width, height: image.height, format: UInt32(PNG_FORMAT_RGB))
    }

    /// A one-channel (grey) PNG, as some data sets ship; decoding gives it back as RGB.
    public static func encodeGreyPNG(_ grey: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        guard width > 0, height > 0, grey.count == width * height else {
            throw FERDataError.invalidValue("grey PNG: \(grey.count) bytes for a \(width)x\(height) image")
        }
        return try encodePNG(pixels: grey, width: width, height: height, format: UInt32(PNG_FORMAT_GRAY))
    }

    static func encodePNG(pixels: [UInt8], width: Int, height: Int, format: UInt32) throws -> [UInt8] {
        let image = (width: width, height: height, pixels: pixels)
        var header = png_image()
        header.version = UInt32(PNG_IMAGE_VERSION)
        header.width = UInt32(width)
        header.height = UInt32(height)
        header.format = format
        var size = 0
        // First call measures, second writes.
        let measured = image.pixels.withUnsafeBufferPointer { src in
            png_image_write_to_memory(&header, nil, &size, 0, src.baseAddress, 0, nil)
        }
        guard measured != 0, size > 0 else {
            let message = pngMessage(&header)
            png_image_free(&header)
            throw FERDataError.invalidValue("PNG encoding of a \(image.width)x\(image.height) image failed: \(message)")
        }
        var output = [UInt8](repeating: 0, count: size)
        let written = image.pixels.withUnsafeBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                png_image_write_to_memory(&header, dst.baseAddress, &size, 0, src.baseAddress, 0, nil)
            }
        }
        let message = pngMessage(&header)
        png_image_free(&header)
        guard written != 0 else {
            throw FERDataError.invalidValue("PNG encoding of a \(image.width)x\(image.height) image failed: \(message)")
        }
        return Array(output.prefix(size))
    }

    private static func pngMessage(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let text = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            return text.isEmpty ? "unknown libpng error" : text
        }
    }
}
