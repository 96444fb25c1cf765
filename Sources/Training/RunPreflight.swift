import FERData
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

    /// `--pretrained` must name an existing regular file.
    public static func checkPretrained(_ path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw TrainingError.invalidOption("--pretrained \(path): no such file; expected a safetensors file of backbone weights (e.g. resnet18_msceleb.safetensors)")
        }
        guard !isFolder.boolValue else {
            throw TrainingError.invalidOption("--pretrained \(path) is a folder; expected a safetensors file of backbone weights (e.g. resnet18_msceleb.safetensors)")
        }
    }

    /// A run's checkpoint in its folder.
    public static func checkpointURL(in folder: URL) -> URL { folder.appendingPathComponent("checkpoint.safetensors") }

    /// Decides, for each method, whether it resumes; refuses to start over an earlier run's
    /// checkpoint or results without `--resume` or `--overwrite`, refuses `--resume` when no
    /// method has a checkpoint, and reads each checkpoint to be resumed (readable, finite,
    /// no more epochs than `--epochs`, the same settings as far as they are known before a
    /// model is built), so that a second method's checkpoint is not found wrong only after the
    /// first method trained. Returns the methods that resume.
    public static func checkRunFolders(_ settings: ExperimentSettings) throws -> Set<Method> {
        try checkOutputFolder(settings.output)
        if let pretrained = settings.pretrained { try checkPretrained(pretrained) }
        let output = URL(fileURLWithPath: settings.output)
        let exists = { (url: URL) in FileManager.default.fileExists(atPath: url.path) }
        func relative(_ url: URL) -> String { String(url.path.dropFirst(output.path.count + 1)) }
        let checkpoints = settings.methods.map { (method: $0, url: checkpointURL(in: settings.runFolder(for: $0))) }

        guard settings.resume else {
            if settings.overwrite { return [] }
            let results = settings.methods.map { settings.runFolder(for: $0).appendingPathComponent(Reports.fileSafe($0.rawValue) + "-results.json") }
            let earlier = [output.appendingPathComponent("comparison.csv")] + checkpoints.map(\.url) + results
            if let found = earlier.first(where: exists) {
                throw TrainingError.existingRun(folder: settings.output, file: relative(found))
            }
            return []
        }
        let resuming = checkpoints.filter { exists($0.url) }
        guard !resuming.isEmpty else {
            throw TrainingError.nothingToResume(folder: settings.output, expected: checkpoints.map { relative($0.url) }.joined(separator: " or "))
        }
        for (method, url) in resuming {
            let saved = try TrainingCheckpoint.read(from: url)
            guard saved.completedEpochs <= settings.epochs else {
                throw TrainingError.checkpointBeyondEpochs(path: url.path, completed: saved.completedEpochs, requested: settings.epochs)
            }
            // The model's own entries (architecture, parameter count, classes) are the Trainer's to check.
            let known = settings.fingerprint(for: method).entries.merging(
                ExperimentRunner.trainerConfiguration(method: method, settings: settings, resume: true).fingerprintEntries) { $1 }
            let comparable = RunFingerprint(saved.fingerprint.entries.filter { known[$0.key] != nil })
            let differences = RunFingerprint(known).differences(from: comparable)
            guard differences.isEmpty else { throw TrainingError.incompatibleCheckpoint(path: url.path, differences: differences) }
        }
        return Set(resuming.map(\.method))
    }

    /// A classifier needs two classes at least (HUM's head and the losses assume it).
    public static func checkClassCount(_ classNames: [String], dataSet: String) throws {
        guard classNames.count >= 2 else {
            throw TrainingError.data("data set \(dataSet): the training set has \(classNames.count) class\(classNames.count == 1 ? "" : "es")\(classNames.isEmpty ? "" : " (\(classNames.joined(separator: ", ")))"); training a classifier needs at least 2")
        }
    }
}
