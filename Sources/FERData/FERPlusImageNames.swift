/// The "Image name" column of FERPlus's `fer2013new.csv`, checked row by row so that votes are
/// never paired with another row's pixels.
///
/// Published convention: data row r (0-based, after the header) names its image
/// `fer%07d.png`, starting with fer0000000.png; a row whose image FERPlus removed has an empty
/// name. The numbers increase down the file but may fall behind the row: in the published file
/// some removed rows take no number (row 60 is fer0000059.png, the last row 35886 is
/// fer0035801.png). So a name is accepted when its number is at most its row, above the
/// previous name's, and at most as far above it as the rows are apart. Any reordering of the
/// rows breaks one of these.
struct FERPlusImageNames {
    let votesPath: String
    private var previous: (number: Int, row: Int, line: Int)?
    private var firstSeen: [String: (line: Int, votes: [Int])] = [:]

    init(votesPath: String) { self.votesPath = votesPath }

    /// `pixelsSource` ("fer2013.csv:12") is the row the votes are about to be paired with.
    mutating func check(name: String, votes: [Int], row: Int, line: Int, pixelsSource: String) throws {
        guard !name.isEmpty else { return }
        if let first = firstSeen[name] {
            func text(_ v: [Int]) -> String { "votes " + v.map(String.init).joined(separator: ",") }
            throw FERDataError.repeatedImage(file: votesPath, image: name, firstLine: first.line, firstLabel: text(first.votes),
                                             line: line, label: text(votes))
        }
        firstSeen[name] = (line, votes)
        let digits = name.dropFirst(3).dropLast(4)
        guard name.hasPrefix("fer"), name.hasSuffix(".png"), digits.count == 7, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let number = Int(digits) else {
            throw FERDataError.misalignedRow(file: votesPath, line: line,
                                             reason: "image name \"\(name)\" is not fer<7 digits>.png (or empty for a removed image)")
        }
        let expected = "the rows of fer2013new.csv must follow those of fer2013.csv (this row is paired with \(pixelsSource))"
        guard number <= row else {
            throw FERDataError.misalignedRow(
                file: votesPath, line: line,
                reason: "image name \(name) is ahead of its row: data row \(row) names at most \(Self.name(row)); \(expected)")
        }
        if let previous, number <= previous.number || number - previous.number > row - previous.row {
            throw FERDataError.misalignedRow(
                file: votesPath, line: line,
                reason: "image name \(name) cannot follow \(Self.name(previous.number)) at line \(previous.line): names increase "
                    + "down the file, by at most the number of rows between them; \(expected)")
        }
        previous = (number, row, line)
    }

    static func name(_ number: Int) -> String {
        let digits = String(number)
        return "fer" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits + ".png"
    }
}
