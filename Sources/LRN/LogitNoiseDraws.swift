import Autodiff

/// Standard normal draws for S Monte-Carlo samples of every item of a batch. The full form
/// uses one [M, S, C] tensor; the low-rank form one [M, S, R] tensor for the factors and one
/// [M, S, C] tensor for the diagonal. Tests inject fixed draws to make the head deterministic.
public struct LogitNoiseDraws<Scalar: TensorScalar> {
    /// [M, S, C] (full) or [M, S, R] (low rank).
    public var correlated: Tensor<Scalar>
    /// [M, S, C] for the low-rank form's diagonal; nil for the full form.
    public var diagonal: Tensor<Scalar>?

    public init(correlated: Tensor<Scalar>, diagonal: Tensor<Scalar>? = nil) {
        self.correlated = correlated
        self.diagonal = diagonal
    }

    public var batchSize: Int { correlated.shape[0] }
    public var sampleCount: Int { correlated.shape[1] }

    /// Fresh N(0, I) draws for `form`.
    public init(form: CovarianceForm, batchSize: Int, sampleCount: Int, classCount: Int,
                generator: inout RandomGenerator) {
        switch form {
        case .full:
            self.init(correlated: StandardNormalSampler.sample([batchSize, sampleCount, classCount], using: &generator))
        case .lowRank(let rank):
            let factors: Tensor<Scalar> = StandardNormalSampler.sample([batchSize, sampleCount, rank], using: &generator)
            let diagonal: Tensor<Scalar> = StandardNormalSampler.sample([batchSize, sampleCount, classCount], using: &generator)
            self.init(correlated: factors, diagonal: diagonal)
        }
    }
}
