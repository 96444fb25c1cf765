import Foundation

/// Writes a file through a temporary sibling and a rename, so that a crash or a concurrent
/// reader never sees a half-written file.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw FERDataError.unreadableFile(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
