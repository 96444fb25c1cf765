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

    public var description: String {
        switch self {
        case let .missingDirectory(path, what):
            return "\(what) not found: no directory at \(path)"
        case let .missingFile(path, what):
            return "\(what) not found: no file at \(path)"
        case let .unreadableFile(path, reason):
            return "cannot read \(path): \(reason)"
        case let .malformedLine(file, line, text, expected):
            return "\(file):\(line): malformed line \"\(text)\"; expected \(expected)"
        case let .labelOutOfRange(file, line, label, range):
            return "\(file):\(line): label \(label) out of range; expected \(range.lowerBound)...\(range.upperBound)"
        case let .missingImage(listedIn, line, imagePath):
            return "\(listedIn):\(line): listed image is missing: no file at \(imagePath)"
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
        }
    }
}
