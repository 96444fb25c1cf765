import Foundation

/// The checks a run makes before it loads data or trains anything, so that a wrong flag or a
/// folder holding an earlier run stops it at once, with a message naming the flag and the path.
public enum RunPreflight {
    /// `--output` must be a folder or a path where one can be created: no part of it may be a file.
    public static func checkOutputFolder(_ path: String) throws {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
                guard isFolder.boolValue else {
                    let which = url.path == URL(fileURLWithPath: path).standardizedFileURL.path ? "it is a file" : "\(url.path) is a file"
                    throw TrainingError.invalidOption("--output \(path): \(which); expected a folder (existing, or one that can be created) for checkpoints and results")
                }
                return
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return }
            url = parent
        }
    }

    /// Creates `--output` (or a run folder inside it), naming the flag when that fails.
    public static func createOutputFolder(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw TrainingError.invalidOption("--output: cannot create the folder \(url.path): \(error.localizedDescription)")
        }
    }

    /// A run's checkpoint in its folder.
    public static func checkpointURL(in folder: URL) -> URL { folder.appendingPathComponent("checkpoint.safetensors") }

    /// Which methods resume: refuses to start over an earlier run's checkpoint or results (or
    /// the comparison) in `output` without `resume` or `overwrite`, and refuses `resume` when no
    /// method has a checkpoint. Returns each resuming method with its checkpoint, in order.
    public static func checkForEarlierRuns(output: String, methods: [String], folder: (String) -> URL,
                                           resume: Bool, overwrite: Bool) throws -> [(method: String, checkpoint: URL)] {
        try checkOutputFolder(output)
        let outputURL = URL(fileURLWithPath: output)
        let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }
        func relative(_ url: URL) -> String { String(url.path.dropFirst(outputURL.path.count + 1)) }
        let checkpoints = methods.map { (method: $0, checkpoint: checkpointURL(in: folder($0))) }
        guard resume else {
            if overwrite { return [] }
            let results = methods.map { folder($0).appendingPathComponent(Reports.fileSafe($0) + "-results.json") }
            let earlier = [outputURL.appendingPathComponent("comparison.csv")] + checkpoints.map(\.checkpoint) + results
            if let found = earlier.first(where: exists) {
                throw TrainingError.existingRun(folder: output, file: relative(found))
            }
            return []
        }
        let resuming = checkpoints.filter { exists($0.checkpoint) }
        guard !resuming.isEmpty else {
            throw TrainingError.nothingToResume(folder: output, expected: checkpoints.map { relative($0.checkpoint) }.joined(separator: " or "))
        }
        return resuming
    }

    /// A classifier needs two classes at least (HUM's head and the losses assume it).
    public static func checkClassCount(_ classNames: [String], dataSet: String) throws {
        guard classNames.count >= 2 else {
            throw TrainingError.data("data set \(dataSet): the training set has \(classNames.count) class\(classNames.count == 1 ? "" : "es")\(classNames.isEmpty ? "" : " (\(classNames.joined(separator: ", ")))"); training a classifier needs at least 2")
        }
    }
}
