import Autodiff

/// How HUM parameterises the input-dependent covariance of the logit noise.
public enum CovarianceForm: Equatable, Sendable, CustomStringConvertible {
    /// A full lower-triangular factor L with a positive diagonal: cov = L Lᵀ. FC2 produces its
    /// C(C+1)/2 entries. The paper's choice for facial expressions (7 or 8 classes).
    case full
    /// cov = V Vᵀ + diag(s²) with V ∈ R^{C×rank} (Collier et al., 2021): FC2 produces C·rank
    /// entries of V (row-major) and then C diagonal scales s. For many classes, where C(C+1)/2
    /// outputs and C x C products per sample would be too many.
    case lowRank(rank: Int)

    /// Number of FC2 outputs for `classCount` classes.
    public func parameterCount(classCount: Int) -> Int {
        switch self {
        case .full: return LowerTriangle.entryCount(size: classCount)
        case .lowRank(let rank): return classCount * rank + classCount
        }
    }

    public var description: String {
        switch self {
        case .full: return "full"
        case .lowRank(let rank): return "low-rank (\(rank) factors) + diagonal"
        }
    }
}
