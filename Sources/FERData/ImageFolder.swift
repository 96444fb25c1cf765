import Foundation

/// Any data set laid out as
///
///     <root>/train/<class>/**/*.{jpg,jpeg,png}
///     <root>/test/<class>/**/*.{jpg,jpeg,png}
///
/// Class order is the sorted folder names (byte order, as `ls` in the C locale); train and test
/// must have the same class folders, at least 2. Images in sub-folders of a class folder belong
/// to that class (as torchvision's ImageFolder does). Only regular files are images (a folder
/// named `album.jpg` is a folder); hidden entries and other extensions are ignored. Symbolic
/// links are followed, except one leading back to an enclosing folder, which is an error.
/// A name that is not valid UTF-8 is an error: such a path cannot be held as text.
public enum ImageFolder {
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    public static func load(root: String) throws -> (train: ImageFileDataset, test: ImageFileDataset) {
        try TextFile.requireDirectory(root, what: "ImageFolder data folder")
        let trainRoot = (root as NSString).appendingPathComponent("train")
        let testRoot = (root as NSString).appendingPathComponent("test")
        let trainClasses = try classFolders(trainRoot)
        let testClasses = try classFolders(testRoot)
        guard trainClasses == testClasses else {
            throw FERDataError.mismatchedClasses(trainFolder: trainRoot, train: trainClasses,
                                                 testFolder: testRoot, test: testClasses)
        }
        return (try split(trainRoot, classes: trainClasses), try split(testRoot, classes: testClasses))
    }

    static func classFolders(_ splitRoot: String) throws -> [String] {
        try TextFile.requireDirectory(splitRoot, what: "ImageFolder split folder")
        var classes: [String] = []
        for entry in try DirectoryEntry.list(splitRoot) where !entry.isHidden && entry.kind == .directory {
            classes.append(try text(entry))
        }
        guard !classes.isEmpty else { throw FERDataError.noImages(path: splitRoot) }
        // One class would train nothing, and the model's heads require two or more.
        guard classes.count >= 2 else { throw FERDataError.tooFewClasses(path: splitRoot, found: classes) }
        return classes.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func split(_ splitRoot: String, classes: [String]) throws -> ImageFileDataset {
        var paths: [String] = [], labels: [Int] = []
        let splitIdentity = DirectoryEntry.status(splitRoot).1
        for (label, name) in classes.enumerated() {
            let folder = (splitRoot as NSString).appendingPathComponent(name)
            var files: [String] = []
            try collectImages(in: folder, into: &files,
                              enclosing: [(splitIdentity, splitRoot), (DirectoryEntry.status(folder).1, folder)])
            guard !files.isEmpty else { throw FERDataError.emptyClassFolder(path: folder) }
            files.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            paths += files
            labels += Array(repeating: label, count: files.count)
        }
        return ImageFileDataset(classNames: classes, paths: paths, labels: labels)
    }

    /// The images under `folder`, sub-folders included; `enclosing` are the folders walked
    /// through to get here (identity, path), to stop at a link that leads back to one of them.
    private static func collectImages(in folder: String, into files: inout [String],
                                      enclosing: [(identity: [UInt64], path: String)]) throws {
        for entry in try DirectoryEntry.list(folder) where !entry.isHidden {
            let extensionBytes = entry.nameBytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).last ?? []
            let looksLikeImage = entry.nameBytes.contains(UInt8(ascii: "."))
                && imageExtensions.contains(String(decoding: extensionBytes, as: UTF8.self).lowercased())
            guard entry.kind == .directory || looksLikeImage else { continue }  // notes, metadata, …
            let path = (folder as NSString).appendingPathComponent(try text(entry))
            switch entry.kind {
            case .directory:
                if let loop = enclosing.first(where: { $0.identity == entry.identity }) {
                    throw FERDataError.unreadableFile(
                        path: path, reason: "symbolic link loop: it leads back to the enclosing folder \(loop.path)")
                }
                try collectImages(in: path, into: &files, enclosing: enclosing + [(entry.identity, path)])
            case .regularFile:
                files.append(path)
            case .unreachable:
                throw FERDataError.unreadableFile(path: path, reason: "not a regular file: a broken symbolic link, or no permission")
            case .other:
                throw FERDataError.unreadableFile(path: path, reason: "not a regular file (a device, a pipe or a socket)")
            }
        }
    }

    /// The entry's name, or an error naming the folder when its bytes are not valid UTF-8.
    private static func text(_ entry: DirectoryEntry) throws -> String {
        guard let name = entry.name else {
            throw FERDataError.unreadableFile(
                path: entry.folder,
                reason: "holds \"\(entry.escapedName)\", a name that is not valid UTF-8; paths are handled as UTF-8 text: rename it")
        }
        return name
    }
}
