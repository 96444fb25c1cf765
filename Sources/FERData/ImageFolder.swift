import Foundation

/// Any data set laid out as
///
///     <root>/train/<class>/*.{jpg,jpeg,png}
///     <root>/test/<class>/*.{jpg,jpeg,png}
///
/// Class order is the sorted folder names (byte order, as `ls` in the C locale), and train and
/// test must have the same class folders. Hidden files and other extensions are ignored.
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
        let names = try contents(splitRoot)
        let classes = names.filter { !$0.hasPrefix(".") && TextFile.isDirectory((splitRoot as NSString).appendingPathComponent($0)) }
        guard !classes.isEmpty else { throw FERDataError.noImages(path: splitRoot) }
        return classes.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func split(_ splitRoot: String, classes: [String]) throws -> ImageFileDataset {
        var paths: [String] = [], labels: [Int] = []
        for (label, name) in classes.enumerated() {
            let folder = (splitRoot as NSString).appendingPathComponent(name)
            let files = try contents(folder)
                .filter { !$0.hasPrefix(".") && imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            guard !files.isEmpty else { throw FERDataError.emptyClassFolder(path: folder) }
            for file in files {
                paths.append((folder as NSString).appendingPathComponent(file))
                labels.append(label)
            }
        }
        return ImageFileDataset(classNames: classes, paths: paths, labels: labels)
    }

    private static func contents(_ folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw FERDataError.unreadableFile(path: folder, reason: "cannot list the folder")
        }
    }
}
