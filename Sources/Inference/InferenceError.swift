/// Everything that can be wrong when exporting, loading or running a trained model: each case
/// names the file, tensor, metadata key or flag and says what was expected.
public enum InferenceError: Error, CustomStringConvertible, Equatable {
    /// A model file that cannot be used: wrong format, names, shapes, dtypes or values.
    case invalidModelFile(path: String, reason: String)
    /// A metadata entry missing or malformed (`key` is the `__metadata__` key).
    case invalidMetadata(path: String, key: String, reason: String)
    /// A run folder or checkpoint that cannot be exported.
    case invalidRun(path: String, reason: String)
    /// A run whose model is not an LRN model on a ResNet (nothing to export).
    case notAnLRNRun(path: String)
    /// A target that exists and may only be replaced with `--overwrite`.
    case wouldOverwrite(path: String)
    /// An input image (or folder) that cannot be predicted.
    case badInput(path: String, reason: String)
    /// A flag value out of range or contradicting another.
    case invalidOption(String)

    public var description: String {
        switch self {
        case let .invalidModelFile(path, reason):
            return "model file \(path): \(reason)"
        case let .invalidMetadata(path, key, reason):
            return "model file \(path): metadata '\(key)' \(reason)"
        case let .invalidRun(path, reason):
            return "run \(path): \(reason)"
        case let .notAnLRNRun(path):
            return "run \(path): the checkpoint's model is not an LRN model on a ResNet (no model.head.fc1.weight, model.head.fc2.weight, model.backbone.conv1.weight): only LRNModel runs export"
        case let .wouldOverwrite(path):
            return "\(path) exists; pass --overwrite to replace it"
        case let .badInput(path, reason):
            return "\(path): \(reason)"
        case let .invalidOption(message):
            return message
        }
    }
}
