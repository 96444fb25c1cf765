import Foundation
import Training

extension RunPreflight {
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

    /// Decides, for each method, whether it resumes (`checkForEarlierRuns`), then reads each
    /// checkpoint to be resumed (readable, finite, no more epochs than `--epochs`, the same
    /// settings as far as they are known before a model is built), so that a second method's
    /// checkpoint is not found wrong only after the first method trained. Returns the methods
    /// that resume.
    public static func checkRunFolders(_ settings: ExperimentSettings) throws -> Set<MethodName> {
        try checkOutputFolder(settings.output)
        if let pretrained = settings.pretrained { try checkPretrained(pretrained) }
        let resuming = try checkForEarlierRuns(output: settings.output, methods: settings.methods.map(\.rawValue),
                                               folder: { settings.runFolder(for: MethodName($0)) },
                                               resume: settings.resume, overwrite: settings.overwrite)
        for (name, url) in resuming {
            let method = MethodName(name)
            let saved = try TrainingCheckpoint.read(from: url)
            guard saved.completedEpochs <= settings.epochs else {
                throw TrainingError.checkpointBeyondEpochs(path: url.path, completed: saved.completedEpochs, requested: settings.epochs)
            }
            // The model's own entries (architecture, parameter count, classes) are the Trainer's to check.
            let known = settings.fingerprint(for: method).entries.merging(
                try settings.plan(resuming: [method]).trainerConfiguration(for: method.rawValue).fingerprintEntries) { $1 }
            let comparable = RunFingerprint(saved.fingerprint.entries.filter { known[$0.key] != nil })
            let differences = RunFingerprint(known).differences(from: comparable)
            guard differences.isEmpty else { throw TrainingError.incompatibleCheckpoint(path: url.path, differences: differences) }
        }
        return Set(resuming.map { MethodName($0.method) })
    }
}
