#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One entry of a folder as the file system has it: the name's bytes (which need not be valid
/// UTF-8, unlike what `FileManager` returns) and what it is once symbolic links are followed.
struct DirectoryEntry {
    enum Kind: Equatable { case directory, regularFile, other, unreachable }

    let folder: String
    let nameBytes: [UInt8]
    let kind: Kind
    /// Device and inode of a directory, to notice a symbolic link back to an enclosing folder.
    let identity: [UInt64]

    /// The name as text, nil when its bytes are not valid UTF-8 (such a path cannot be a String).
    var name: String? {
        let text = String(decoding: nameBytes, as: UTF8.self)
        return Array(text.utf8) == nameBytes ? text : nil
    }

    /// The name with bytes that are not printable ASCII written as \xHH, for messages.
    var escapedName: String {
        nameBytes.map { (32..<127).contains($0) && $0 != 92 ? String(UnicodeScalar($0)) : "\\x" + hex($0) }.joined()
    }

    var isHidden: Bool { nameBytes.first == UInt8(ascii: ".") }

    /// Every entry of `folder` but "." and "..", in no particular order.
    static func list(_ folder: String) throws -> [DirectoryEntry] {
        guard let handle = opendir(folder) else {
            throw FERDataError.unreadableFile(path: folder, reason: "cannot list the folder")
        }
        defer { closedir(handle) }
        var entries: [DirectoryEntry] = []
        while let raw = readdir(handle) {
            let name = withUnsafeBytes(of: raw.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [46] || name == [46, 46] { continue }
            let (kind, identity) = status(Array(folder.utf8) + [UInt8(ascii: "/")] + name)
            entries.append(DirectoryEntry(folder: folder, nameBytes: name, kind: kind, identity: identity))
        }
        return entries
    }

    /// What the path leads to (following links) and, for a directory, its device and inode.
    static func status(_ path: [UInt8]) -> (Kind, [UInt64]) {
        var info = stat()
        let found = (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { stat($0.baseAddress!, &info) } == 0
        guard found else { return (.unreachable, []) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return (.directory, [UInt64(info.st_dev), UInt64(info.st_ino)])
        case S_IFREG: return (.regularFile, [])
        default: return (.other, [])
        }
    }

    static func status(_ path: String) -> (Kind, [UInt64]) { status(Array(path.utf8)) }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
