import Foundation

/// Reading label lists and CSV files as bytes, split into numbered lines.
enum TextFile {
    /// The whole file, or an error that says what was missing (`what`: "RAF-DB label file", …).
    static func read(_ path: String, what: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FERDataError.missingFile(path: path, what: what)
        }
        guard !isDirectory.boolValue else {
            throw FERDataError.unreadableFile(path: path, reason: "it is a directory, expected the \(what)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FERDataError.unreadableFile(path: path, reason: "permission denied")
        }
        return [UInt8](data)
    }

    /// (1-based line number, line bytes without the line break) for every line, "\n" or "\r\n".
    /// A final empty line (a file ending in a newline) is not reported.
    static func lines(_ bytes: [UInt8]) -> [(number: Int, bytes: ArraySlice<UInt8>)] {
        var result: [(Int, ArraySlice<UInt8>)] = []
        var start = 0, number = 1
        for i in 0..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
            var end = i
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            result.append((number, bytes[start..<end]))
            start = i + 1
            number += 1
        }
        if start < bytes.count {
            var end = bytes.count
            if bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            result.append((number, bytes[start..<end]))
        }
        return result
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func requireDirectory(_ path: String, what: String) throws {
        guard isDirectory(path) else { throw FERDataError.missingDirectory(path: path, what: what) }
    }
}

/// Comma-separated values with RFC 4180 quoting ("a, b" and "" inside quotes). Rows are split
/// on line breaks first: none of the supported files has line breaks inside a field.
enum CSV {
    /// The fields of one line, as byte slices of the line (quotes removed, "" unescaped).
    static func fields(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        var result: [ArraySlice<UInt8>] = []
        var i = line.startIndex
        while true {
            if i < line.endIndex, line[i] == quote {
                // Quoted field: collect into a new buffer (only needed when "" occurs).
                var value: [UInt8] = []
                i += 1
                while i < line.endIndex {
                    if line[i] == quote {
                        if i + 1 < line.endIndex, line[i + 1] == quote { value.append(quote); i += 2; continue }
                        i += 1
                        break
                    }
                    value.append(line[i]); i += 1
                }
                result.append(value[...])
                while i < line.endIndex, line[i] != comma { i += 1 }
            } else {
                let start = i
                while i < line.endIndex, line[i] != comma { i += 1 }
                result.append(line[start..<i])
            }
            if i >= line.endIndex { break }
            i += 1  // the comma
            if i == line.endIndex { result.append([]); break }
        }
        return result
    }

    static func strings(_ line: ArraySlice<UInt8>) -> [String] {
        fields(line).map { TextFile.string($0).trimmingCharacters(in: .whitespaces) }
    }

    /// Checks that the header names the expected columns (case-insensitive, surrounding spaces
    /// and a UTF-8 byte-order mark ignored) and returns them.
    static func requireHeader(_ line: ArraySlice<UInt8>?, expected: [String], file: String) throws {
        let found = line.map { strings($0) } ?? []
        let cleaned = found.enumerated().map { $0.offset == 0 ? $0.element.replacingOccurrences(of: "\u{FEFF}", with: "") : $0.element }
        guard cleaned.map({ $0.lowercased() }) == expected.map({ $0.lowercased() }) else {
            throw FERDataError.wrongCSVHeader(file: file, found: found.joined(separator: ","),
                                              expected: expected.joined(separator: ","))
        }
    }

    static func int(_ field: ArraySlice<UInt8>) -> Int? {
        Int(TextFile.string(field).trimmingCharacters(in: .whitespaces))
    }
}
