import Autodiff
import FERData
import Foundation
import Layers

/// What an aligned crop was made from: the photo (its absolute path, size in bytes and
/// modification time) and every setting that changes the crop. Any difference means the crop
/// is made again; a photo edited in place gets a new modification time, so it is re-aligned.
public struct AlignmentKey: Equatable, Sendable {
    /// The key as text, one `name=value` line per field: stored beside the crop and compared
    /// whole on lookup, so that a hash collision cannot hand back another photo's face.
    public let text: String

    public init(photo path: String, options: FaceDetectorOptions, cropSize: Int, choice: FaceChoice, weights: String) throws {
        // The file a symbolic link leads to: its size and time are the ones that change.
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: absolute)
        } catch {
            throw FERDataError.missingFile(path: path, what: "photo to align")
        }
        let bytes = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? .nan
        text = [
            "format=lrn-aligned-face 1",
            "photo=\(absolute)",
            "bytes=\(bytes)",
            "modified=\(modified)",
            "crop=\(cropSize) arcface-template bilinear",
            "detector=min-face \(options.minimumFaceSize) thresholds \(options.thresholds.map { "\($0)" }.joined(separator: ",")) scale \(options.scaleFactor) max-side \(options.maximumImageSide)",
            "weights=\(weights)",
            "choice=\(choice.keyText)",
        ].joined(separator: "\n")
    }

    /// 16 hex digits (64-bit FNV-1a of the text): the entry's file name.
    var fileStem: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// What the cache remembers of one photo: the crop's file, or that no face was kept.
public struct AlignmentRecord: Equatable, Sendable {
    /// Faces the detector found in the photo.
    public var faceCount: Int
    /// The kept face (nil: none found, or none matched the choice).
    public var face: DetectedFace?
}

/// A folder of aligned face crops, one PNG per photo and a text record beside it:
///
///     <folder>/<ab>/<abcdef0123456789>.png   the crop (only when a face was kept)
///     <folder>/<ab>/<abcdef0123456789>.txt   the key, then the result (faces found, box, score)
///
/// The name is a hash of the key (`AlignmentKey`); the record repeats the key in full and a
/// lookup only succeeds when it matches, so a changed photo or option is a miss. Both files
/// are written with the package's atomic writer, the crop first: a record is only ever
/// beside a complete crop, and a run killed half-way leaves entries that are whole or absent.
/// Deleting the folder (or any entry) is always safe: the crops are made again.
public struct AlignmentCache: Sendable {
    public let folder: URL

    public init(folder: String) {
        self.folder = URL(fileURLWithPath: folder).standardizedFileURL
    }

    static let separator = "\n---\n"

    func paths(_ key: AlignmentKey) -> (crop: URL, record: URL) {
        let stem = key.fileStem
        let shard = folder.appendingPathComponent(String(stem.prefix(2)))
        return (shard.appendingPathComponent(stem + ".png"), shard.appendingPathComponent(stem + ".txt"))
    }

    /// The crop file of `key`'s entry (whether or not it exists).
    public func cropPath(_ key: AlignmentKey) -> String { paths(key).crop.path }

    /// The stored result for `key`, or nil when there is none, it was made for another key, or
    /// its crop is missing.
    public func lookup(_ key: AlignmentKey) -> AlignmentRecord? {
        let (crop, record) = paths(key)
        guard let data = FileManager.default.contents(atPath: record.path),
              let text = String(data: data, encoding: .utf8),
              let split = text.range(of: Self.separator),
              text[..<split.lowerBound] == key.text,
              let result = Self.parseResult(String(text[split.upperBound...])) else { return nil }
        if result.face != nil && !FileManager.default.fileExists(atPath: crop.path) { return nil }
        return result
    }

    /// Stores `record` (and `crop` when a face was kept) for `key`, replacing any earlier entry.
    public func store(_ key: AlignmentKey, record: AlignmentRecord, crop: RGBImage?) throws {
        precondition((record.face == nil) == (crop == nil), "AlignmentCache.store: a crop goes with a kept face, and only then")
        let (cropURL, recordURL) = paths(key)
        do {
            try FileManager.default.createDirectory(at: recordURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw FaceDetectionError.invalidOption(name: "alignment cache folder", value: folder.path,
                                                   expected: "a folder that can be created and written (\(error.localizedDescription))")
        }
        if let crop { try writeAtomically(try ImageCodec.encodePNG(crop), to: cropURL) }
        try writeAtomically(key.text + Self.separator + Self.resultText(record), to: recordURL)
    }

    static func resultText(_ record: AlignmentRecord) -> String {
        var lines = ["faces=\(record.faceCount)"]
        if let face = record.face {
            lines.append("score=\(face.score)")
            lines.append("box=\(face.box.x1) \(face.box.y1) \(face.box.x2) \(face.box.y2)")
            lines.append("landmarks=" + face.landmarks.map { "\($0.x) \($0.y)" }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func parseResult(_ text: String) -> AlignmentRecord? {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { return nil }
            fields[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard let faces = fields["faces"].flatMap(Int.init), faces >= 0 else { return nil }
        guard let scoreText = fields["score"] else { return AlignmentRecord(faceCount: faces, face: nil) }
        let box = (fields["box"] ?? "").split(separator: " ").compactMap { Float($0) }
        let points = (fields["landmarks"] ?? "").split(separator: " ").compactMap { Float($0) }
        guard let score = Float(scoreText), box.count == 4, points.count == 10 else { return nil }
        let landmarks = (0..<5).map { FacePoint(x: points[2 * $0], y: points[2 * $0 + 1]) }
        return AlignmentRecord(faceCount: faces, face: DetectedFace(box: DetectionBox(x1: box[0], y1: box[1], x2: box[2], y2: box[3]),
                                                                   score: score, landmarks: landmarks))
    }
}
