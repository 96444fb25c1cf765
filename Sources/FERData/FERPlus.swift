import Foundation

/// FERPlus: FER2013's `fer2013.csv` (emotion,pixels,Usage; 48×48 grey pixels as space-separated
/// integers) with FERPlus's `fer2013new.csv` (Usage,Image name, then ten vote counts: neutral,
/// happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF), row i of one
/// describing row i of the other.
///
/// Label = the column with the most votes among all ten. A row is dropped when it has no votes
/// or when that column is unknown or NF. Ties go to the earliest column in the file's order
/// (as NumPy's argmax, which most FERPlus loaders use): a tie between an emotion and
/// unknown/NF keeps the emotion, a tie between two emotions takes the one listed first
/// (neutral before happiness before … contempt).
///
/// Split by Usage: Training is the training set; the test set is PrivateTest by default
/// (PublicTest is FER2013's validation set), or whichever usages `testUsages` names. Any other
/// Usage is an error, and so is a vote row whose "Image name" does not fit its row or repeats
/// an earlier one (see `FERPlusImageNames`).
public enum FERPlus {
    public static let pixelsHeader = ["emotion", "pixels", "Usage"]
    public static let votesHeader = ["Usage", "Image name", "neutral", "happiness", "surprise", "sadness", "anger",
                                     "disgust", "fear", "contempt", "unknown", "NF"]
    public static let side = 48
    /// The Usage values of both files; any other value is an error (it used to drop the row).
    public static let usages = ["Training", "PublicTest", "PrivateTest"]

    /// The label by majority vote over the ten vote columns, nil when the row is dropped.
    public static func majorityLabel(votes: [Int]) -> Int? {
        precondition(votes.count == 10, "FERPlus.majorityLabel: expected 10 vote counts, got \(votes.count)")
        guard let top = votes.max(), top > 0 else { return nil }
        let winner = votes.firstIndex(of: top)!
        return winner < 8 ? winner : nil
    }

    public static func load(root: String, testUsages: Set<String> = ["PrivateTest"])
        throws -> (train: GreyImageDataset, test: GreyImageDataset) {
        for usage in testUsages.sorted() where !usages.dropFirst().contains(usage) {
            throw FERDataError.invalidValue(
                "unknown FERPlus test usage \"\(usage)\"; expected one or both of \(usages.dropFirst().joined(separator: ", "))")
        }
        try TextFile.requireDirectory(root, what: "FERPlus data folder")
        let pixelsPath = (root as NSString).appendingPathComponent("fer2013.csv")
        let votesPath = (root as NSString).appendingPathComponent("fer2013new.csv")
        let pixelLines = TextFile.lines(try TextFile.read(pixelsPath, what: "FER2013 pixel file"))
        let voteLines = TextFile.lines(try TextFile.read(votesPath, what: "FERPlus vote file"))
        try CSV.requireHeader(pixelLines.first?.bytes, expected: pixelsHeader, file: pixelsPath)
        try CSV.requireHeader(voteLines.first?.bytes, expected: votesHeader, file: votesPath)
        let pixelRows = pixelLines.dropFirst().filter { !$0.bytes.isEmpty }
        let voteRows = voteLines.dropFirst().filter { !$0.bytes.isEmpty }
        guard pixelRows.count == voteRows.count else {
            throw FERDataError.invalidValue(
                "\(pixelsPath) has \(pixelRows.count) data rows but \(votesPath) has \(voteRows.count); the files must describe the same images row by row")
        }

        var train = Builder(), test = Builder()
        let imageSize = side * side
        var names = FERPlusImageNames(votesPath: votesPath)
        for (row, (pixelRow, voteRow)) in zip(pixelRows, voteRows).enumerated() {
            let voteFields = CSV.fields(voteRow.bytes)
            let votes = voteFields.count == 12 ? voteFields[2...].compactMap { CSV.int($0) } : []
            guard votes.count == 10, votes.allSatisfy({ $0 >= 0 }) else {
                throw FERDataError.malformedLine(file: votesPath, line: voteRow.number, text: TextFile.string(voteRow.bytes),
                                                 expected: "12 fields: \(votesHeader.joined(separator: ",")) with non-negative vote counts")
            }
            let pixelFields = CSV.fields(pixelRow.bytes)
            // Only built for an error message: a row is 7 KB of text.
            var pixelText: String { String(TextFile.string(pixelRow.bytes.prefix(80))) + (pixelRow.bytes.count > 80 ? "…" : "") }
            guard pixelFields.count == 3 else {
                throw FERDataError.malformedLine(file: pixelsPath, line: pixelRow.number, text: pixelText,
                                                 expected: "3 fields: emotion,pixels,Usage")
            }
            let usage = TextFile.string(pixelFields[2]).trimmingCharacters(in: .whitespaces)
            let voteUsage = TextFile.string(voteFields[0]).trimmingCharacters(in: .whitespaces)
            guard usages.contains(usage) else {
                throw FERDataError.unknownUsage(file: pixelsPath, line: pixelRow.number, usage: usage, accepted: usages)
            }
            guard usages.contains(voteUsage) else {
                throw FERDataError.unknownUsage(file: votesPath, line: voteRow.number, usage: voteUsage, accepted: usages)
            }
            guard usage == voteUsage else {
                throw FERDataError.invalidValue(
                    "\(pixelsPath):\(pixelRow.number) has Usage \(usage) but \(votesPath):\(voteRow.number) has \(voteUsage); the files are not aligned row by row")
            }
            try names.check(name: TextFile.string(voteFields[1]).trimmingCharacters(in: .whitespaces), votes: votes, row: row,
                            line: voteRow.number, pixelsSource: "\(pixelsPath):\(pixelRow.number)")
            let isTrain = usage == "Training"
            guard isTrain || testUsages.contains(usage) else { continue }
            guard let label = majorityLabel(votes: votes) else { continue }
            guard let pixels = parsePixels(pixelFields[1]), pixels.count == imageSize else {
                throw FERDataError.malformedLine(file: pixelsPath, line: pixelRow.number, text: pixelText,
                                                 expected: "\(imageSize) space-separated pixel values 0...255 (48x48)")
            }
            let source = "\(pixelsPath):\(pixelRow.number)"
            if isTrain { train.add(pixels, label, source) } else { test.add(pixels, label, source) }
        }
        guard !train.labels.isEmpty else { throw FERDataError.emptyDataset("\(pixelsPath): no labelled Training rows") }
        guard !test.labels.isEmpty else {
            throw FERDataError.emptyDataset("\(pixelsPath): no labelled rows with Usage \(testUsages.sorted().joined(separator: " or "))")
        }
        return (train.dataset(), test.dataset())
    }

    private struct Builder {
        var pixels: [UInt8] = [], labels: [Int] = [], sources: [String] = []
        mutating func add(_ image: [UInt8], _ label: Int, _ source: String) {
            pixels += image; labels.append(label); sources.append(source)
        }
        func dataset() -> GreyImageDataset {
            GreyImageDataset(classNames: ExpressionClasses.ferPlus, width: FERPlus.side, height: FERPlus.side,
                             pixels: pixels, labels: labels, sources: sources)
        }
    }

    /// Space-separated integers 0...255, parsed from bytes (fer2013.csv holds 82 million of them).
    static func parsePixels(_ field: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(side * side)
        var value = -1
        for byte in field {
            if byte >= 48 && byte <= 57 {
                value = (value < 0 ? 0 : value * 10) + Int(byte - 48)
                if value > 255 { return nil }
            } else if byte == 32 || byte == 9 {
                if value >= 0 { out.append(UInt8(value)); value = -1 }
            } else {
                return nil
            }
        }
        if value >= 0 { out.append(UInt8(value)) }
        return out
    }
}
