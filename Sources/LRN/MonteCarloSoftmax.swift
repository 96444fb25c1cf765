import Autodiff

/// HUM's Monte-Carlo softmax over Gaussian logits: logits_s = d + noise_s, noise_s ~ N(0, cov),
/// p' = (1/S) Σ_s softmax(logits_s / T). Everything works on one [M, S, C] tensor (C innermost,
/// so each softmax is over a contiguous row) built by one batched matrix product: no loop over
/// samples.
public enum MonteCarloSoftmax {
    /// z_s = logits_s / T for every item and draw: [M, S, C]. The temperature is applied to d
    /// and to the factor (O(M·C²)) rather than to the samples (O(M·S·C)).
    public static func scaledSampleLogits<Scalar: TensorScalar>(
        meanLogits: Tensor<Scalar>, factor: CovarianceFactor<Scalar>,
        draws: LogitNoiseDraws<Scalar>, temperature: Scalar
    ) -> Tensor<Scalar> {
        checkInputs(meanLogits, factor, temperature)
        let m = meanLogits.shape[0], c = meanLogits.shape[1]
        let inverse = 1 / temperature
        let noise = factor.scaled(by: inverse).noise(from: draws)
        return (meanLogits * inverse).reshaped([m, 1, c]) + noise
    }

    /// log p'_y for each item's label, [M]:
    ///
    ///     log p'_y = logsumexp_s( z_{s,y} − logsumexp_c z_{s,c} ) − log S
    ///
    /// (log_softmax(z_s)_y written out). Exact in log space: no probability is ever formed, so
    /// nothing underflows or needs clipping. z_{s,y} comes from a product with row y of the
    /// factor alone, so the [M, S, C] tensor is touched only by the inner logsumexp: fewer
    /// passes over memory than log-softmax followed by a pick.
    public static func logProbability<Scalar: TensorScalar>(
        ofLabels labels: [Int], meanLogits: Tensor<Scalar>, factor: CovarianceFactor<Scalar>,
        draws: LogitNoiseDraws<Scalar>, temperature: Scalar
    ) -> Tensor<Scalar> {
        checkInputs(meanLogits, factor, temperature)
        let m = meanLogits.shape[0], c = meanLogits.shape[1], s = draws.sampleCount
        ClassLabels.validate(labels, batchSize: m, classCount: c, in: "MonteCarloSoftmax.logProbability")
        let inverse = 1 / temperature
        let scaledMean = meanLogits * inverse
        let scaledFactor = factor.scaled(by: inverse)
        let z = scaledMean.reshaped([m, 1, c]) + scaledFactor.noise(from: draws)      // [M, S, C]
        let labelLogit = scaledMean.gather(alongAxis: 1, indices: labels).reshaped([m, 1])
            + scaledFactor.labelNoise(from: draws, labels: labels)                     // [M, S]
        let labelLogSoftmax = labelLogit - z.logsumexp(axis: 2)                       // [M, S]
        return labelLogSoftmax.logsumexp(axis: 1) - Scalar(LibM.log(Double(s)))
    }

    private static func checkInputs<Scalar: TensorScalar>(_ meanLogits: Tensor<Scalar>, _ factor: CovarianceFactor<Scalar>,
                                                          _ temperature: Scalar) {
        precondition(temperature > 0, "MonteCarloSoftmax: temperature must be positive, got \(temperature)")
        precondition(meanLogits.rank == 2 && factor.batchSize == meanLogits.shape[0] && factor.classCount == meanLogits.shape[1],
                     "MonteCarloSoftmax: mean logits \(shapeString(meanLogits.shape)) and a covariance factor for \(factor.batchSize) items of \(factor.classCount) classes do not fit")
    }

    /// p' = mean over draws of softmax(z_s): [M, C].
    public static func probabilities<Scalar: TensorScalar>(scaledSampleLogits z: Tensor<Scalar>) -> Tensor<Scalar> {
        z.softmax(axis: -1).mean(axis: 1)
    }
}

/// L_cls = −(1/M) Σ_i log p'_{y_i}(x_i), the label-noise robust classification loss (paper
/// eq. 2, averaged over the batch), computed in log space. Finite for logits of any magnitude.
public func heteroscedasticLoss<Scalar: TensorScalar>(
    meanLogits: Tensor<Scalar>, factor: CovarianceFactor<Scalar>, labels: [Int],
    draws: LogitNoiseDraws<Scalar>, temperature: Scalar
) -> Tensor<Scalar> {
    -MonteCarloSoftmax.logProbability(ofLabels: labels, meanLogits: meanLogits, factor: factor,
                                      draws: draws, temperature: temperature).mean()
}
