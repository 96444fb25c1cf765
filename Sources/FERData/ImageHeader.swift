import Foundation

/// What an image file declares in its first bytes: format and size, read without decoding a
/// pixel. Checking every image of a data set this way before training means a corrupt,
/// misnamed or oversized file among thousands stops the run before the first epoch, not hours
/// into it.
public struct ImageHeader: Equatable, Sendable {
    public let format: ImageFormat
    public let width: Int
    public let height: Int

    /// The JPEG frame header usually sits within the first few KB (after EXIF, at most 64 KB);
    /// a file that has none in its first 256 KB is treated as corrupt.
    static let bytesRead = 256 * 1024

    /// Reads the header of `path` and checks the size against ImageCodec's limits.
    public static func read(path: String) throws -> ImageHeader {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw FERDataError.unreadableFile(path: path, reason: "permission denied or not a regular file")
            }
            throw FERDataError.missingFile(path: path, what: "image")
        }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: bytesRead)) ?? Data())
        let header = try parse(bytes, path: path)
        try ImageCodec.checkSize(width: header.width, height: header.height, path: path)
        return header
    }

    /// The header in `bytes` (the start of a file); `path` is only used in messages.
    static func parse(_ bytes: [UInt8], path: String) throws -> ImageHeader {
        guard !bytes.isEmpty else { throw FERDataError.corruptImage(path: path, reason: "the file is empty") }
        switch ImageFormat.sniff(bytes) {
        case .png: return try parsePNG(bytes, path: path)
        case .jpeg: return try parseJPEG(bytes, path: path)
        case nil:
            let head = bytes.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw FERDataError.unsupportedImage(path: path, reason: "neither JPEG nor PNG (first bytes \(head))")
        }
    }

    private static func bigEndian(_ bytes: [UInt8], _ at: Int, count: Int) -> Int {
        (at..<(at + count)).reduce(0) { $0 << 8 | Int(bytes[$1]) }
    }

    /// PNG: the 8-byte signature, then the IHDR chunk (length, "IHDR", width, height).
    private static func parsePNG(_ bytes: [UInt8], path: String) throws -> ImageHeader {
        guard bytes.count >= 24, bytes[12..<16].elementsEqual(Array("IHDR".utf8)) else {
            throw FERDataError.corruptImage(path: path, reason: "PNG without an IHDR chunk first")
        }
        let width = bigEndian(bytes, 16, count: 4), height = bigEndian(bytes, 20, count: 4)
        guard width > 0, height > 0 else {
            throw FERDataError.corruptImage(path: path, reason: "PNG header gives size \(width)x\(height)")
        }
        return ImageHeader(format: .png, width: width, height: height)
    }

    /// JPEG: walk the marker segments after SOI to the first frame header (SOF0-SOF15 except
    /// DHT C4, JPG C8 and DAC CC), which holds height then width.
    private static func parseJPEG(_ bytes: [UInt8], path: String) throws -> ImageHeader {
        var i = 2
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else {
                throw FERDataError.corruptImage(path: path, reason: "JPEG marker expected at byte \(i)")
            }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }  // no length
            if marker == 0xD9 || marker == 0xDA {
                throw FERDataError.corruptImage(path: path, reason: "JPEG has no frame header before its image data")
            }
            let length = bigEndian(bytes, i + 2, count: 2)
            guard length >= 2 else { throw FERDataError.corruptImage(path: path, reason: "JPEG segment of length \(length) at byte \(i)") }
            let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isFrame {
                guard length >= 7, i + 9 <= bytes.count else { break }
                let height = bigEndian(bytes, i + 5, count: 2), width = bigEndian(bytes, i + 7, count: 2)
                guard width > 0, height > 0 else {
                    throw FERDataError.corruptImage(path: path, reason: "JPEG header gives size \(width)x\(height)")
                }
                return ImageHeader(format: .jpeg, width: width, height: height)
            }
            i += 2 + length
        }
        throw FERDataError.corruptImage(path: path, reason: "no JPEG frame header in the first \(bytes.count) bytes (truncated file?)")
    }
}

extension ImageFileDataset {
    /// Reads every image's header (format, size within ImageCodec's limits) and checks each face
    /// box against the declared size, in parallel; throws the first problem in file order, with
    /// how many files have one.
    public func checkImages() throws {
        let problems = ParallelErrors()
        DispatchQueue.concurrentPerform(iterations: max(1, min(count, 64))) { worker in
            var index = worker
            while index < count {
                do {
                    let header = try ImageHeader.read(path: paths[index])
                    if let box = faceBoxes[index] {
                        do {
                            _ = try RGBImage.clippedBox(x: box.x, y: box.y, width: box.width, height: box.height,
                                                        imageWidth: header.width, imageHeight: header.height)
                        } catch {
                            throw FERDataError.invalidValue("\(paths[index]): \(error)")  // as loadImage says it
                        }
                    }
                } catch {
                    problems.record(error, at: index)
                }
                index += 64
            }
        }
        if let first = problems.first {
            let total = problems.count
            guard total > 1 else { throw first }
            throw FERDataError.invalidValue("\(first) (and \(total - 1) more of the \(count) images have a problem)")
        }
    }
}
