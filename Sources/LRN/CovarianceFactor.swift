import Autodiff

/// The input-dependent scale of the logit noise, per batch item: logits_s = d + noise_s with
/// noise_s ~ N(0, cov). Produced by `HeteroscedasticHead` from FC2's outputs.
public enum CovarianceFactor<Scalar: TensorScalar> {
    /// L: [M, C, C], lower triangular with a positive diagonal; cov = L Lᵀ.
    case full(lower: Tensor<Scalar>)
    /// V: [M, C, R] and s: [M, C] (positive); cov = V Vᵀ + diag(s²).
    case lowRank(factors: Tensor<Scalar>, scales: Tensor<Scalar>)

    public var classCount: Int {
        switch self {
        case .full(let lower): return lower.shape[1]
        case .lowRank(_, let scales): return scales.shape[1]
        }
    }

    public var batchSize: Int {
        switch self {
        case .full(let lower): return lower.shape[0]
        case .lowRank(_, let scales): return scales.shape[0]
        }
    }

    public var form: CovarianceForm {
        switch self {
        case .full: return .full
        case .lowRank(let factors, _): return .lowRank(rank: factors.shape[2])
        }
    }

    /// The factor of cov / c²: scaling the noise by 1/T costs O(C²) here instead of O(S·C) on
    /// the samples.
    public func scaled(by c: Scalar) -> CovarianceFactor {
        switch self {
        case .full(let lower): return .full(lower: lower * c)
        case .lowRank(let factors, let scales): return .lowRank(factors: factors * c, scales: scales * c)
        }
    }

    /// The covariance matrices, [M, C, C].
    public func covariance() -> Tensor<Scalar> {
        switch self {
        case .full(let lower):
            return Tensor.matmul(lower, transposeA: false, lower, transposeB: true)
        case .lowRank(let factors, let scales):
            let c = scales.shape[1]
            let identity = Tensor<Scalar>(zeros: [c, c])
            for i in 0..<c { identity.data[i * c + i] = 1 }
            let diagonal = scales.squared().reshaped([-1, c, 1]) * identity
            return Tensor.matmul(factors, transposeA: false, factors, transposeB: true) + diagonal
        }
    }

    /// noise_s = L ε_s (or V ε_s + s ⊙ η_s) for every draw: [M, S, C]. One batched product over
    /// the batch with the S draws as rows, so no loop over samples.
    public func noise(from draws: LogitNoiseDraws<Scalar>) -> Tensor<Scalar> {
        let m = batchSize, c = classCount
        switch self {
        case .full(let lower):
            precondition(draws.correlated.shape.count == 3 && draws.correlated.shape[0] == m && draws.correlated.shape[2] == c,
                         "CovarianceFactor.noise: draws of shape \(shapeString(draws.correlated.shape)) do not fit a full factor \(shapeString(lower.shape)); expected [\(m), S, \(c)]")
            return Tensor.matmul(draws.correlated, transposeA: false, lower, transposeB: true)
        case .lowRank(let factors, let scales):
            let r = factors.shape[2]
            guard let diagonal = draws.diagonal else {
                fatalError("CovarianceFactor.noise: the low-rank form needs diagonal draws [\(m), S, \(c)] besides the factor draws")
            }
            precondition(draws.correlated.shape.count == 3 && draws.correlated.shape[0] == m && draws.correlated.shape[2] == r,
                         "CovarianceFactor.noise: factor draws of shape \(shapeString(draws.correlated.shape)) do not fit V \(shapeString(factors.shape)); expected [\(m), S, \(r)]")
            precondition(diagonal.shape == [m, draws.sampleCount, c],
                         "CovarianceFactor.noise: diagonal draws of shape \(shapeString(diagonal.shape)), expected [\(m), \(draws.sampleCount), \(c)]")
            let correlated = Tensor.matmul(draws.correlated, transposeA: false, factors, transposeB: true)
            return correlated + diagonal * scales.reshaped([m, 1, c])
        }
    }

    /// Only the labelled class's component of every noise draw, (L ε_s)_{y_i}: [M, S], without
    /// forming the other C − 1 components: a product with row y_i of the factor.
    public func labelNoise(from draws: LogitNoiseDraws<Scalar>, labels: [Int]) -> Tensor<Scalar> {
        let m = batchSize, c = classCount, s = draws.sampleCount
        ClassLabels.validate(labels, batchSize: m, classCount: c, in: "CovarianceFactor.labelNoise")
        switch self {
        case .full(let lower):
            // Row y_i of L_i: gather along the row axis, one index per (item, column).
            let row = lower.gather(alongAxis: 1, indices: labels.flatMap { Array(repeating: $0, count: c) })
            return Tensor.matmul(draws.correlated, transposeA: false, row.reshaped([m, 1, c]), transposeB: true).reshaped([m, s])
        case .lowRank(let factors, let scales):
            guard let diagonal = draws.diagonal else {
                fatalError("CovarianceFactor.labelNoise: the low-rank form needs diagonal draws [\(m), S, \(c)] besides the factor draws")
            }
            let r = factors.shape[2]
            let row = factors.gather(alongAxis: 1, indices: labels.flatMap { Array(repeating: $0, count: r) })  // [M, R]
            let correlated = Tensor.matmul(draws.correlated, transposeA: false, row.reshaped([m, 1, r]), transposeB: true).reshaped([m, s])
            let pickedDraws = diagonal.gather(alongAxis: 2, indices: labels.flatMap { Array(repeating: $0, count: s) })  // η_{s,y}: [M, S]
            let scale = scales.gather(alongAxis: 1, indices: labels).reshaped([m, 1])  // s_y
            return correlated + pickedDraws * scale
        }
    }
}
