import Autodiff
import LRN
import Testing

/// `initializeNoiseScale`: the covariance starts at scale² · I for every input, and FC2 still learns.
@Suite struct InitialNoiseScaleTests {
    @Test(arguments: [CovarianceForm.full, .lowRank(rank: 2)], [0.05, 0.1, 1.5])
    func covarianceStartsAtScaleSquaredTimesIdentity(_ form: CovarianceForm, _ scale: Double) {
        var rng = RandomGenerator(seed: 3)
        let c = 4
        let head = HeteroscedasticHead<Double>(featureCount: 6, classCount: c, covariance: form, generator: &rng)
        head.initializeNoiseScale(scale)
        let features = Tensor<Double>(randomNormal: [5, 6], generator: &rng) * 3
        let covariance = head(features).covariance
        for i in 0..<5 {
            for r in 0..<c {
                for k in 0..<c {
                    let expected = r == k ? scale * scale : 0
                    #expect(abs(covariance.data[(i * c + r) * c + k] - expected) < 1e-12, "\(form) item \(i) (\(r),\(k))")
                }
            }
        }
    }

    @Test func defaultLinearInitStartsNearSoftplusOfZero() {
        // What the option fixes: at PyTorch's init the diagonal of L is softplus(≈0) ≈ 0.69.
        var rng = RandomGenerator(seed: 3)
        let head = HeteroscedasticHead<Double>(featureCount: 64, classCount: 7, generator: &rng)
        let features = Tensor<Double>(randomNormal: [8, 64], generator: &rng).relu()
        let covariance = head(features).covariance
        var sum = 0.0
        for i in 0..<8 {
            for k in 0..<7 { sum += covariance.data[(i * 7 + k) * 7 + k] }
        }
        let meanVariance = sum / 56
        #expect(meanVariance > 0.3, "mean diagonal of cov \(meanVariance)")
    }

    @Test func fc2StillGetsGradientsAfterZeroWeights() {
        var rng = RandomGenerator(seed: 5)
        let head = HeteroscedasticHead<Float>(featureCount: 6, classCount: 3, generator: &rng)
        head.initializeNoiseScale(0.1)
        let features = Tensor<Float>(randomNormal: [4, 6], generator: &rng)
        features.requiresGrad = true
        let loss = head.loss(features, labels: [0, 1, 2, 1], generator: &rng)
        loss.backward()
        let weightGradient = head.fc2.weight.grad?.scalars ?? []
        #expect(weightGradient.contains { $0 != 0 }, "FC2's weights must keep learning from zero")
        #expect((features.grad?.scalars ?? []).contains { $0 != 0 })
    }
}
