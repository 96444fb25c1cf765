/// Why training stopped or could not start, each with a message that names the file, flag or
/// value at fault and what was expected.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case io(String)
    case unreadableCheckpoint(path: String, reason: String)
    case incompatibleCheckpoint(path: String, differences: [String])
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float, lastGoodCheckpoint: String?)
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
        case .nonFiniteLoss(let epoch, let batch, let value, let checkpoint):
            return "the loss became \(value) at epoch \(epoch), batch \(batch): training stopped. "
                + (checkpoint.map { "The last good checkpoint is kept at \($0)." } ?? "No checkpoint had been written yet.")
                + " Try a lower --lr."
        case .invalidOption(let message): return message
        case .data(let message): return message
        }
    }
}
