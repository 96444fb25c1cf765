/// CSV as the package writes it (reports, tables, predictions): one implementation for Training
/// and Inference, which both see Layers.
public enum CSVWriter {
    /// RFC 4180: rows joined by "\n", fields by ","; a field with a comma, a quote or a line break
    /// is quoted, its quotes doubled. Ends with a newline.
    public static func text(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { field in
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }
}
