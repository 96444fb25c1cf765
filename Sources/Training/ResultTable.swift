/// A table of text cells printed with aligned columns and saved as CSV: the paper's tables
/// with our numbers beside them, and the CE-vs-LRN comparison of the main job.
public struct ResultTable: Equatable, Sendable {
    public var title: String
    public var columns: [String]
    public var rows: [[String]]
    /// Lines printed under the table (sources, settings).
    public var notes: [String]

    public init(title: String, columns: [String], rows: [[String]] = [], notes: [String] = []) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }

    public mutating func addRow(_ cells: [String]) {
        precondition(cells.count == columns.count, "ResultTable '\(title)': row of \(cells.count) cells for \(columns.count) columns")
        rows.append(cells)
    }

    /// First column left-aligned, the rest right-aligned (numbers), with a rule under the header.
    public func formatted() -> String {
        let widths = columns.indices.map { c in ([columns[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let fill = String(repeating: " ", count: widths[c] - cell.count)
                return c == 0 ? cell + fill : fill + cell
            }.joined(separator: "  ")
        }
        var lines = [title, line(columns), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        lines += rows.map(line)
        lines += notes
        return lines.joined(separator: "\n")
    }

    public func csv() -> String { Reports.csv([columns] + rows) }
}

/// An accuracy in percent with two decimals ("81.84"), or "-" when absent.
public func percentCell(_ fraction: Double?) -> String {
    fraction.map { fixed($0 * 100, decimals: 2) } ?? "-"
}
