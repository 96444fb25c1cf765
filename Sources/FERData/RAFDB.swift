import Foundation

/// RAF-DB basic in its published layout:
///
///     <root>/EmoLabel/list_patition_label.txt     lines "train_00001.jpg 5", "test_0001.jpg 1"
///     <root>/Image/aligned/train_00001_aligned.jpg
///
/// Labels 1–7 in the file (Surprise, Fear, Disgust, Happiness, Sadness, Anger, Neutral) become
/// 0–6. The split is the name's prefix (train_ / test_). Each image may be listed once: a
/// repeated line is an error, whether its label agrees (duplicate) or not (conflict).
public enum RAFDB {
    public static let labelFile = "EmoLabel/list_patition_label.txt"
    public static let imageDirectory = "Image/aligned"

    /// The training and test sets. `trainingLabelList`, when given, replaces the training labels
    /// of the clean list: a file in the same format (e.g. a published 10/20/30 % noisy list).
    /// Only its `train_` lines are used; the test set always comes from the clean list.
    public static func load(root: String, trainingLabelList: String? = nil)
        throws -> (train: ImageFileDataset, test: ImageFileDataset) {
        try TextFile.requireDirectory(root, what: "RAF-DB data folder")
        let listPath = (root as NSString).appendingPathComponent(labelFile)
        let clean = try readList(listPath, root: root)
        var train = clean.filter { $0.isTrain }
        let test = clean.filter { !$0.isTrain }
        if let alternative = trainingLabelList {
            train = try readList(alternative, root: root).filter { $0.isTrain }
        }
        guard !train.isEmpty else { throw FERDataError.emptyDataset("\(trainingLabelList ?? listPath): no train_ lines") }
        guard !test.isEmpty else { throw FERDataError.emptyDataset("\(listPath): no test_ lines") }
        func dataset(_ entries: [Entry]) -> ImageFileDataset {
            ImageFileDataset(classNames: ExpressionClasses.rafDB, paths: entries.map(\.path), labels: entries.map(\.label))
        }
        return (dataset(train), dataset(test))
    }

    /// The image path of a list entry: "train_00001.jpg" → "<root>/Image/aligned/train_00001_aligned.jpg".
    public static func imagePath(root: String, listedName: String) -> String {
        let stem = (listedName as NSString).deletingPathExtension
        return (root as NSString).appendingPathComponent("\(imageDirectory)/\(stem)_aligned.jpg")
    }

    struct Entry { let path: String; let label: Int; let isTrain: Bool }

    static func readList(_ listPath: String, root: String) throws -> [Entry] {
        let bytes = try TextFile.read(listPath, what: "RAF-DB label file")
        var entries: [Entry] = []
        var firstListing: [String: (line: Int, label: Int)] = [:]
        let expected = "\"<train_NNNNN.jpg|test_NNNN.jpg> <label 1-7>\""
        for (number, line) in TextFile.lines(bytes) {
            let text = TextFile.string(line)
            let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.isEmpty { continue }  // blank lines are harmless
            guard parts.count == 2, let label = Int(parts[1]) else {
                throw FERDataError.malformedLine(file: listPath, line: number, text: text, expected: expected)
            }
            let name = String(parts[0])
            let isTrain = name.hasPrefix("train_")
            // A plain file name: the image path is built from it, so no "/" may lead elsewhere.
            guard isTrain || name.hasPrefix("test_"), !name.contains("/") else {
                throw FERDataError.malformedLine(file: listPath, line: number, text: text, expected: expected)
            }
            guard (1...7).contains(label) else {
                throw FERDataError.labelOutOfRange(file: listPath, line: number, label: label, validRange: 1...7)
            }
            let path = imagePath(root: root, listedName: name)
            // Keyed by image path: "train_00001.jpg" and "train_00001.png" name the same image.
            if let first = firstListing[path] {
                throw FERDataError.repeatedImage(file: listPath, image: name, firstLine: first.line, firstLabel: "label \(first.label)",
                                                 line: number, label: "label \(label)")
            }
            firstListing[path] = (number, label)
            guard FileManager.default.fileExists(atPath: path) else {
                throw FERDataError.missingImage(listedIn: listPath, line: number, imagePath: path)
            }
            entries.append(Entry(path: path, label: label - 1, isTrain: isTrain))
        }
        return entries
    }
}
