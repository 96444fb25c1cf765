/// Every way a data set, an image or a noise specification can be wrong. Each case carries
/// what a user needs to fix it: the file, the line (quoted, 1-based) or the value, and what
/// was expected.
public enum FERDataError: Error, CustomStringConvertible, Equatable {
    case missingDirectory(path: String, what: String)
    case missingFile(path: String, what: String)
    case unreadableFile(path: String, reason: String)
    case malformedLine(file: String, line: Int, text: String, expected: String)
    case labelOutOfRange(file: String, line: Int, label: Int, validRange: ClosedRange<Int>)
    case missingImage(listedIn: String, line: Int, imagePath: String)
    case corruptImage(path: String, reason: String)
    case unsupportedImage(path: String, reason: String)
    case emptyClassFolder(path: String)
    case noImages(path: String)
    case wrongCSVHeader(file: String, found: String, expected: String)
    case mismatchedClasses(trainFolder: String, train: [String], testFolder: String, test: [String])
    case invalidValue(String)
    case unknownClassName(name: String, in: String, known: [String])
    case emptyDataset(String)
    case imageTooLarge(path: String, width: Int, height: Int)
    /// The same image on two lines of a label file; `firstLabel == label` is an exact duplicate.
    case repeatedImage(file: String, image: String, firstLine: Int, firstLabel: String, line: Int, label: String)
    case pathOutsideFolder(file: String, line: Int, path: String, folder: String)
    case unknownUsage(file: String, line: Int, usage: String, accepted: [String])
    case misalignedRow(file: String, line: Int, reason: String)
    case tooFewClasses(path: String, found: [String])

    public var description: String {
        switch self {
        case let .missingDirectory(path, what):
            return Self.notUTF8(path, what: what) ?? "\(what) not found: no directory at \(path)"
        case let .missingFile(path, what):
            return Self.notUTF8(path, what: what) ?? "\(what) not found: no file at \(path)"
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformedLine(file, line, text, expected):
            return "\(file):\(line): malformed line \"\(text)\"; expected \(expected)"
        case let .labelOutOfRange(file, line, label, range):
            return "\(file):\(line): label \(label) out of range; expected \(range.lowerBound)...\(range.upperBound)"
        case let .missingImage(listedIn, line, imagePath):
            return "\(listedIn):\(line): " + (Self.notUTF8(imagePath, what: "listed image") ?? "listed image is missing: no file at \(imagePath)")
        case let .corruptImage(path, reason):
            return "corrupt or truncated image \(path): \(reason)"
        case let .unsupportedImage(path, reason):
            return "unsupported image \(path): \(reason)"
        case let .emptyClassFolder(path):
            return "class folder \(path) contains no images (.jpg, .jpeg or .png)"
        case let .noImages(path):
            return "no class folders with images under \(path); expected <class>/<image>.{jpg,jpeg,png}"
        case let .wrongCSVHeader(file, found, expected):
            return "\(file): wrong CSV columns \"\(found)\"; expected header \"\(expected)\""
        case let .mismatchedClasses(trainFolder, train, testFolder, test):
            let onlyTrain = train.filter { !test.contains($0) }, onlyTest = test.filter { !train.contains($0) }
            return "train and test classes differ: \(trainFolder) has [\(train.joined(separator: ", "))], "
                + "\(testFolder) has [\(test.joined(separator: ", "))]"
                + (onlyTrain.isEmpty ? "" : "; only in train: \(onlyTrain.joined(separator: ", "))")
                + (onlyTest.isEmpty ? "" : "; only in test: \(onlyTest.joined(separator: ", "))")
        case let .invalidValue(message):
            return message
        case let .unknownClassName(name, context, known):
            return "unknown class name \"\(name)\" in \"\(context)\"; known classes: \(known.joined(separator: ", "))"
        case let .emptyDataset(message):
            return message
        case let .imageTooLarge(path, width, height):
            return "image too large: \(path) claims \(width)x\(height) pixels; the limit is \(ImageCodec.maximumSide) pixels per side "
                + "and \(ImageCodec.maximumPixels) pixels in all (ImageCodec.maximumSide, ImageCodec.maximumPixels)"
        case let .repeatedImage(file, image, firstLine, firstLabel, line, label):
            if firstLabel == label {
                return "\(file):\(line): duplicate entry for \(image) (\(label)), already at \(file):\(firstLine); "
                    + "each image must be listed once: remove one of the two lines"
            }
            return "\(file):\(line): conflicting labels for \(image): \(file):\(firstLine) says \(firstLabel), "
                + "\(file):\(line) says \(label); keep the right one"
        case let .pathOutsideFolder(file, line, path, folder):
            return "\(file):\(line): image path \"\(path)\" leads outside the image folder \(folder); "
                + "expected a relative path inside it (no leading /, no .. above it)"
        case let .unknownUsage(file, line, usage, accepted):
            return "\(file):\(line): unknown Usage \"\(usage)\"; expected one of \(accepted.joined(separator: ", "))"
        case let .misalignedRow(file, line, reason):
            return "\(file):\(line): \(reason)"
        case let .tooFewClasses(path, found):
            return "at least 2 class folders expected in \(path); found \(found.count)"
                + (found.isEmpty ? "" : ": \(found.joined(separator: ", "))")
        }
    }

    /// Swift holds paths as Unicode text: bytes that are not valid UTF-8 (in a file name, an
    /// argument or a label file) arrive as U+FFFD and can no longer name the file on disk. Said
    /// so instead of "not found", since the file may well exist.
    static func notUTF8(_ path: String, what: String) -> String? {
        guard path.unicodeScalars.contains("\u{FFFD}") else { return nil }
        return "cannot open \(what) \(path): it contains U+FFFD, which replaces bytes that are not valid UTF-8; "
            + "a file or folder whose name is not valid UTF-8 cannot be opened (paths are UTF-8 text here): rename it"
    }
}
