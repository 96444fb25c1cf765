/// Why training stopped or could not start, each with a message that names the file, flag or
/// value at fault and what was expected.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case io(String)
    case unreadableCheckpoint(path: String, reason: String)
    case incompatibleCheckpoint(path: String, differences: [String])
    /// `lastGoodCheckpoint` is only a checkpoint this run wrote or resumed from; `unrelatedCheckpoint`
    /// is a file left in the folder by an earlier run (replaced with `--overwrite`), never offered as good.
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float, lastGoodCheckpoint: String?, unrelatedCheckpoint: String?)
    /// The run's folder already holds a run's checkpoint or results and neither `--resume` nor `--overwrite` was given.
    case existingRun(folder: String, file: String)
    /// `--resume` found no checkpoint to continue.
    case nothingToResume(folder: String, expected: String)
    /// `--resume` with fewer `--epochs` than the checkpoint already holds.
    case checkpointBeyondEpochs(path: String, completed: Int, requested: Int)
    /// A checkpoint or weights file holds NaN or infinite values.
    case nonFiniteTensor(path: String, what: String, tensor: String, problem: String)
    case invalidOption(String)
    case data(String)

    public var description: String {
        switch self {
        case .io(let message): return message
        case .unreadableCheckpoint(let path, let reason):
            return "cannot read checkpoint \(path): \(reason)"
        case .incompatibleCheckpoint(let path, let differences):
            return "checkpoint \(path) was written by a different model or configuration and cannot be resumed:\n"
                + differences.map { "  - " + $0 }.joined(separator: "\n")
                + "\nStart afresh with another --output folder, or resume with the settings shown as 'checkpoint'."
        case .nonFiniteLoss(let epoch, let batch, let value, let checkpoint, let unrelated):
            let kept: String
            if let checkpoint {
                kept = "The last good checkpoint is kept at \(checkpoint)."
            } else if let unrelated {
                kept = "This run wrote no checkpoint yet, so none exists to resume (\(unrelated) is from an earlier run, not this one)."
            } else {
                kept = "This run wrote no checkpoint yet, so none exists to resume."
            }
            return "the loss became \(value) at epoch \(epoch), batch \(batch): training stopped. \(kept) Try a lower --lr."
        case .existingRun(let folder, let file):
            return "--output \(folder) already holds a run (\(file)). Continue it with --resume, replace it with --overwrite, or choose another --output."
        case .nothingToResume(let folder, let expected):
            return "--resume: there is no checkpoint to continue in \(folder) (expected \(expected)). Leave out --resume to start a new run there."
        case .checkpointBeyondEpochs(let path, let completed, let requested):
            return "--epochs \(requested) is fewer than the \(completed) epochs checkpoint \(path) already holds: resume with --epochs \(completed) to evaluate it again, with more to continue training, or start afresh with --overwrite."
        case .nonFiniteTensor(let path, let what, let tensor, let problem):
            return "\(what) \(path): \(tensor) holds \(problem); refusing to load it (the run that wrote it diverged, or the file is damaged)."
        case .invalidOption(let message): return message
        case .data(let message): return message
        }
    }
}
