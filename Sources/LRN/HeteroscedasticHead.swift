import Autodiff
import Layers

/// What the head computes from a batch of features before any sampling: the mean logits d(x)
/// and the factor of the input-dependent covariance of the logit noise.
public struct HeteroscedasticOutput<Scalar: TensorScalar> {
    /// d(x) = FC1(f(x)): [M, C].
    public let meanLogits: Tensor<Scalar>
    /// L(x) (or V(x), s(x)) from FC2(f(x)).
    public let factor: CovarianceFactor<Scalar>

    /// cov(x) = L Lᵀ (or V Vᵀ + diag(s²)): [M, C, C].
    public var covariance: Tensor<Scalar> { factor.covariance() }
}

/// HUM, the heteroscedastic uncertainty head (Documentation/Method.md, "HUM"): it models
/// the logits of an input as Gaussian, logits ~ N(d(x), cov(x)), with d = FC1(f) and a full,
/// input-dependent covariance factor from FC2(f), and predicts p'(x) = mean over S draws of
/// softmax(logits_s / T).
///
/// Put it on any backbone that yields features [M, D]:
///
///     var rng = RandomGenerator(seed: 1)
///     let head = HeteroscedasticHead<Float>(featureCount: 512, classCount: 7, generator: &rng)
///     let loss = head.loss(features, labels: labels, generator: &rng)   // L_cls
///     loss.backward()
///
/// Parameters are named as in a PyTorch module with attributes `fc1` and `fc2`
/// (`fc1.weight` [C, D], `fc1.bias`, `fc2.weight` [C(C+1)/2, D], `fc2.bias`); FC2's outputs are
/// the lower triangle in `torch.tril_indices` order, the diagonal through softplus + floor.
public final class HeteroscedasticHead<Scalar: TensorScalar>: Module {
    /// Mean logits d(x).
    public let fc1: Linear<Scalar>
    /// Entries of the covariance factor.
    public let fc2: Linear<Scalar>
    public let featureCount: Int
    public let classCount: Int
    public let covarianceForm: CovarianceForm
    /// T in softmax(logits / T). Paper: 0.7.
    public var temperature: Scalar
    /// Monte-Carlo draws per item while training. Paper: 1000.
    public var trainingSampleCount: Int
    /// Monte-Carlo draws per item in evaluation mode. Default 1000 as well: the head is far
    /// below 1 % of a ResNet18 forward pass even at S = 1000, so there is nothing to save by
    /// estimating p' less precisely (its MC standard error is ≤ 0.5/√S ≈ 0.016).
    public var evaluationSampleCount: Int
    /// Added to softplus on the diagonal of L (or to the scales s) so the covariance is
    /// positive definite however negative FC2's output becomes.
    public var diagonalFloor: Scalar
    public var isTraining = true

    /// The draw count of the current mode.
    public var sampleCount: Int { isTraining ? trainingSampleCount : evaluationSampleCount }

    public init(featureCount: Int, classCount: Int, covariance: CovarianceForm = .full,
                temperature: Scalar = 0.7, trainingSampleCount: Int = 1000, evaluationSampleCount: Int = 1000,
                diagonalFloor: Scalar = 1e-3, generator: inout RandomGenerator) {
        precondition(featureCount > 0 && classCount > 1,
                     "HeteroscedasticHead: needs featureCount > 0 and classCount > 1, got \(featureCount) and \(classCount)")
        if case .lowRank(let rank) = covariance {
            precondition(rank > 0, "HeteroscedasticHead: low-rank covariance needs rank > 0, got \(rank)")
        }
        precondition(temperature > 0, "HeteroscedasticHead: temperature must be positive, got \(temperature)")
        precondition(trainingSampleCount > 0 && evaluationSampleCount > 0,
                     "HeteroscedasticHead: sample counts must be positive, got \(trainingSampleCount) and \(evaluationSampleCount)")
        self.featureCount = featureCount
        self.classCount = classCount
        self.covarianceForm = covariance
        self.temperature = temperature
        self.trainingSampleCount = trainingSampleCount
        self.evaluationSampleCount = evaluationSampleCount
        self.diagonalFloor = diagonalFloor
        fc1 = Linear(inputSize: featureCount, outputSize: classCount, generator: &generator)
        fc2 = Linear(inputSize: featureCount, outputSize: covariance.parameterCount(classCount: classCount), generator: &generator)
    }

    /// d(x) and the covariance factor for features [M, D].
    public func callAsFunction(_ features: Tensor<Scalar>) -> HeteroscedasticOutput<Scalar> {
        precondition(features.rank == 2 && features.shape[1] == featureCount,
                     "HeteroscedasticHead: expected features [M, \(featureCount)], got \(shapeString(features.shape))")
        return HeteroscedasticOutput(meanLogits: fc1(features), factor: factor(fromEntries: fc2(features)))
    }

    /// Turns FC2's raw outputs [M, P] into the covariance factor: positive diagonal through
    /// softplus + floor, off-diagonal entries (and V) as they are.
    public func factor(fromEntries raw: Tensor<Scalar>) -> CovarianceFactor<Scalar> {
        let count = covarianceForm.parameterCount(classCount: classCount)
        precondition(raw.rank == 2 && raw.shape[1] == count,
                     "HeteroscedasticHead.factor: expected FC2 outputs [M, \(count)], got \(shapeString(raw.shape))")
        switch covarianceForm {
        case .full:
            let diagonal: Tensor<Scalar> = LowerTriangle.diagonalMask(size: classCount)
            let entries = Tensor.where(diagonal, raw.softplus() + diagonalFloor, raw)
            return .full(lower: LowerTriangle.unpack(entries, size: classCount))
        case .lowRank(let rank):
            let factorCount = classCount * rank
            let factors = raw.slice(axis: 1, range: 0..<factorCount).reshaped([-1, classCount, rank])
            let scales = raw.slice(axis: 1, range: factorCount..<count).softplus() + diagonalFloor
            return .lowRank(factors: factors, scales: scales)
        }
    }

    /// Fresh N(0, I) draws for a batch, `sampleCount` (the current mode's) per item.
    public func draws(batchSize: Int, sampleCount: Int? = nil, generator: inout RandomGenerator) -> LogitNoiseDraws<Scalar> {
        LogitNoiseDraws(form: covarianceForm, batchSize: batchSize, sampleCount: sampleCount ?? self.sampleCount,
                        classCount: classCount, generator: &generator)
    }

    /// L_cls on features [M, D] with fresh draws.
    public func loss(_ features: Tensor<Scalar>, labels: [Int], generator: inout RandomGenerator) -> Tensor<Scalar> {
        let output = self(features)
        return loss(output, labels: labels, draws: draws(batchSize: features.shape[0], generator: &generator))
    }

    /// L_cls of a computed output with given draws (fixed draws make the loss a deterministic
    /// function of the parameters: gradient checks, reproducible tests).
    public func loss(_ output: HeteroscedasticOutput<Scalar>, labels: [Int], draws: LogitNoiseDraws<Scalar>) -> Tensor<Scalar> {
        heteroscedasticLoss(meanLogits: output.meanLogits, factor: output.factor, labels: labels,
                            draws: draws, temperature: temperature)
    }

    /// Scaled sample logits z_s = logits_s / T: [M, S, C].
    public func scaledSampleLogits(_ output: HeteroscedasticOutput<Scalar>, draws: LogitNoiseDraws<Scalar>) -> Tensor<Scalar> {
        MonteCarloSoftmax.scaledSampleLogits(meanLogits: output.meanLogits, factor: output.factor,
                                             draws: draws, temperature: temperature)
    }

    /// p'(x), the Monte-Carlo predicted probabilities [M, C], computed without a tape.
    public func probabilities(_ features: Tensor<Scalar>, generator: inout RandomGenerator) -> Tensor<Scalar> {
        let draws = self.draws(batchSize: features.shape[0], generator: &generator)
        return Graph.withoutRecording {
            MonteCarloSoftmax.probabilities(scaledSampleLogits: scaledSampleLogits(self(features), draws: draws))
        }
    }

    /// Starts the logit noise small and input-independent: FC2's weights to zero and its bias so
    /// that L(x) = `scale` · I for every x (off-diagonal entries and V at 0, the diagonal of L or
    /// the scales s at softplus(b) + floor = `scale`). The noise std before the temperature is
    /// then `scale` per class; FC2's weights still get gradients, so the covariance learns its
    /// input dependence from there.
    ///
    /// Why: with PyTorch's default Linear init FC2's outputs are ≈ 0, so the diagonal starts at
    /// softplus(0) ≈ 0.69, a logit noise of std ≈ 1 after /T = 0.7, while a from-scratch
    /// network's mean logits start near 0: the noise drowns the signal of d(x) and HUM learns
    /// far slower than CE (measured in Documentation/Reproducing.md).
    public func initializeNoiseScale(_ scale: Scalar) {
        precondition(scale > diagonalFloor,
                     "HeteroscedasticHead.initializeNoiseScale: the scale must exceed the diagonal floor \(diagonalFloor), got \(scale)")
        let weight = fc2.weight
        for i in 0..<weight.count { weight.data[i] = 0 }
        guard let bias = fc2.bias else { return }
        // softplus⁻¹(y) = log(exp(y) − 1) = y + log(1 − exp(−y)), stable for small and large y.
        let y = Double(scale - diagonalFloor)
        let diagonalBias = Scalar(y + LibM.log(-LibM.expm1(-y)))
        for i in 0..<bias.count { bias.data[i] = 0 }
        switch covarianceForm {
        case .full:
            for p in LowerTriangle.diagonalPositions(size: classCount) { bias.data[p] = diagonalBias }
        case .lowRank(let rank):
            for k in 0..<classCount { bias.data[classCount * rank + k] = diagonalBias }
        }
    }

    /// softmax(d(x) / T): the deterministic, sampling-free prediction (the noise's mean is 0).
    public func meanLogitProbabilities(_ features: Tensor<Scalar>) -> Tensor<Scalar> {
        Graph.withoutRecording { (fc1(features) * (1 / temperature)).softmax(axis: -1) }
    }
}
