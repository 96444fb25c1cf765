/// The four training objectives of the paper's ablation (Table 2).
public enum Objective: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Plain softmax cross-entropy on FC1's logits: the baseline.
    case crossEntropy = "CE"
    /// Baseline plus λ₁ L_cld.
    case crossEntropyWithCLD = "CE+CLD"
    /// HUM's Monte-Carlo loss L_cls alone.
    case hum = "HUM"
    /// L_cls + λ₁ L_cld: LRN.
    case humWithCLD = "HUM+CLD"

    /// Whether the classification term is HUM's L_cls (else plain cross-entropy on FC1).
    public var usesHUM: Bool { self == .hum || self == .humWithCLD }
    /// Whether λ₁ L_cld is added.
    public var usesCLD: Bool { self == .crossEntropyWithCLD || self == .humWithCLD }

    public var description: String { rawValue }
}
