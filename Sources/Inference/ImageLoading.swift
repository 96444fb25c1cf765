import FERData
import Foundation

/// Reads an image file for prediction: a clear error for a missing, unreadable, corrupt or
/// oversized file. The size is read from the PNG or JPEG header before decoding, so a header
/// that claims a gigantic image is refused instead of allocating gigabytes.
public enum ImageLoading {
    /// 64 megapixels: far beyond any face photograph, far below what would exhaust memory.
    public static let defaultMaximumPixels = 64_000_000

    public static func load(path: String, maximumPixels: Int = defaultMaximumPixels) throws -> RGBImage {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InferenceError.badInput(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw InferenceError.badInput(path: path, reason: "cannot read the file (permission denied or not a regular file)")
        }
        let bytes = [UInt8](data)
        if let (width, height) = declaredSize(bytes), width * height > maximumPixels {
            throw InferenceError.badInput(path: path, reason: "the header declares a \(width)x\(height) image (\(width * height) pixels), more than the limit of \(maximumPixels)")
        }
        do {
            return try ImageCodec.decode(bytes, path: path)
        } catch let error as FERDataError {
            throw InferenceError.badInput(path: path, reason: "\(error)")
        }
    }

    /// Width and height from a PNG's IHDR or a JPEG's start-of-frame marker; nil when the
    /// header is not one of those (the decoder then says what is wrong).
    static func declaredSize(_ b: [UInt8]) -> (Int, Int)? {
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        if b.count >= 24, b[0] == 0x89, b[1] == 0x50, b[2] == 0x4E, b[3] == 0x47 {
            return (be32(16), be32(20))
        }
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var i = 2
        while i + 9 < b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }                       // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }  // no length
            let isStartOfFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isStartOfFrame { return (be16(i + 7), be16(i + 5)) }
            i += 2 + be16(i + 2)
        }
        return nil
    }
}

/// One image to predict, with the true class when its folder is named after one.
public struct ImageInput: Equatable, Sendable {
    public var path: String
    public var trueLabel: Int?
    public init(path: String, trueLabel: Int? = nil) {
        self.path = path
        self.trueLabel = trueLabel
    }
}

/// An input that gave no prediction, and why.
public struct InputFailure: Equatable, Sendable, Codable {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

public enum ImageInputs {
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// Files as given and folders searched recursively for .jpg/.jpeg/.png (hidden files skipped,
    /// sorted). An image whose folder is named after one of `classNames` gets that true label.
    /// A missing path or a folder without images is a failure, reported, not fatal.
    public static func collect(_ arguments: [String], classNames: [String]) -> (inputs: [ImageInput], failures: [InputFailure]) {
        var inputs: [ImageInput] = [], failures: [InputFailure] = []
        let labels = Dictionary(classNames.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        func label(_ path: String) -> Int? { labels[((path as NSString).deletingLastPathComponent as NSString).lastPathComponent] }
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                failures.append(InputFailure(path: argument, message: "no such file or folder"))
                continue
            }
            guard isDirectory.boolValue else {
                inputs.append(ImageInput(path: argument, trueLabel: label(argument)))
                continue
            }
            var found: [String] = []
            let enumerator = FileManager.default.enumerator(atPath: argument)
            while let relative = enumerator?.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") { enumerator?.skipDescendants(); continue }
                if imageExtensions.contains((name as NSString).pathExtension.lowercased()) {
                    found.append((argument as NSString).appendingPathComponent(relative))
                }
            }
            if found.isEmpty {
                failures.append(InputFailure(path: argument, message: "the folder holds no images (.jpg, .jpeg or .png)"))
            }
            for path in found.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                inputs.append(ImageInput(path: path, trueLabel: label(path)))
            }
        }
        return (inputs, failures)
    }
}
