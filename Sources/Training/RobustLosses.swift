import Autodiff

/// Cross-entropy against smoothed targets (Autodiff's `crossEntropy(logits:labels:labelSmoothing:)`,
/// PyTorch's `label_smoothing` convention): a baseline a user tries first against label noise.
public struct LabelSmoothingCrossEntropyLoss: ClassificationLoss {
    public let smoothing: Double

    /// `smoothing`: ε in [0, 1); anything else is a programmer error and traps here, not mid-run.
    public init(smoothing: Double) {
        do { try Shapes.labelSmoothing(smoothing) } catch { preconditionFailure("LabelSmoothingCrossEntropyLoss: \(error)") }
        self.smoothing = smoothing
    }

    public var name: String { "cross-entropy, label smoothing \(smoothing)" }
    public func loss(logits: Tensor<Float>, labels: [Int]) -> Tensor<Float> {
        crossEntropy(logits: logits, labels: labels, labelSmoothing: smoothing)
    }
}

/// Generalised cross-entropy (Autodiff's `generalizedCrossEntropy`, Zhang & Sabuncu 2018).
public struct GeneralizedCrossEntropyLoss: ClassificationLoss {
    public let q: Double

    /// `q` in (0, 1]; anything else is a programmer error and traps here, not mid-run.
    public init(q: Double = 0.7) {
        do { try Shapes.generalizedCrossEntropyExponent(q) } catch { preconditionFailure("GeneralizedCrossEntropyLoss: \(error)") }
        self.q = q
    }

    public var name: String { "generalised cross-entropy (q = \(q))" }
    public func loss(logits: Tensor<Float>, labels: [Int]) -> Tensor<Float> {
        generalizedCrossEntropy(logits: logits, labels: labels, q: q)
    }
}
