import Autodiff
import LRN
import Testing

@Suite struct HeteroscedasticHeadTests {
    static let forms: [CovarianceForm] = [.full, .lowRank(rank: 2)]

    /// Float64 gradient check of the whole head (FC1, FC2, factor, sampling, log-space loss)
    /// with respect to the features and all four parameter tensors, at fixed draws.
    @Test(arguments: forms)
    func headGradientsMatchFiniteDifferences(_ form: CovarianceForm) {
        var rng = RandomGenerator(seed: 11)
        let m = 3, d = 4, c = 3, s = 5
        let head = HeteroscedasticHead<Double>(featureCount: d, classCount: c, covariance: form, generator: &rng)
        let features = Tensor<Double>(randomNormal: [m, d], generator: &rng)
        let draws = head.draws(batchSize: m, sampleCount: s, generator: &rng)
        let labels = [2, 0, 1]
        let inputs = [features, head.fc1.weight, head.fc1.bias!, head.fc2.weight, head.fc2.bias!]
        let result = gradientCheck(inputs) { x in
            head.fc1.weight = x[1]; head.fc1.bias = x[2]
            head.fc2.weight = x[3]; head.fc2.bias = x[4]
            return head.loss(head(x[0]), labels: labels, draws: draws)
        }
        #expect(result.passed, "\(form): \(result)")
        #expect(result.checkedElements == inputs.reduce(0) { $0 + $1.count })
    }

    @Test func parametersHavePyTorchNamesAndShapes() {
        var rng = RandomGenerator(seed: 1)
        let head = HeteroscedasticHead<Float>(featureCount: 512, classCount: 7, generator: &rng)
        let shapes = Dictionary(uniqueKeysWithValues: head.namedParameters.map { ($0.name, $0.tensor.shape) })
        #expect(shapes == ["fc1.weight": [7, 512], "fc1.bias": [7], "fc2.weight": [28, 512], "fc2.bias": [28]])
        let lowRank = HeteroscedasticHead<Float>(featureCount: 16, classCount: 10, covariance: .lowRank(rank: 3), generator: &rng)
        #expect(lowRank.fc2.weight.shape == [10 * 3 + 10, 16])
    }

    @Test func diagonalStaysPositiveOffDiagonalPassesThrough() {
        var rng = RandomGenerator(seed: 1)
        let head = HeteroscedasticHead<Double>(featureCount: 2, classCount: 3, generator: &rng)
        let raw = Tensor<Double>(shape: [1, 6], scalars: [-1e4, -5, -1e4, 2, 3, 0])
        guard case .full(let lower) = head.factor(fromEntries: raw) else { Issue.record("expected a full factor"); return }
        let softplus0 = Double.log(2.0)  // softplus(0)
        let expected: [Double] = [1e-3, 0, 0,
                                  -5, 1e-3, 0,
                                  2, 3, softplus0 + 1e-3]
        for (a, b) in zip(lower.scalars, expected) { #expect(abs(a - b) < 1e-12) }
    }

    @Test func covarianceIsLLTransposeAndPositiveDefinite() throws {
        var rng = RandomGenerator(seed: 4)
        let head = HeteroscedasticHead<Double>(featureCount: 5, classCount: 4, generator: &rng)
        let output = head(Tensor<Double>(randomNormal: [2, 5], generator: &rng))
        guard case .full(let lower) = output.factor else { Issue.record("expected a full factor"); return }
        let cov = output.covariance
        for i in 0..<2 {
            for r in 0..<4 {
                for col in 0..<4 {
                    var sum = 0.0
                    for k in 0..<4 { sum += lower[i, r, k] * lower[i, col, k] }
                    #expect(abs(cov[i, r, col] - sum) < 1e-12)
                }
            }
        }
        // Cholesky succeeds only on a positive-definite matrix, and recovers L.
        let recovered = try cov.choleskyLower()
        for (a, b) in zip(recovered.scalars, lower.scalars) { #expect(abs(a - b) < 1e-9) }
    }

    @Test func lowRankCovarianceIsVVTransposePlusDiagonal() {
        var rng = RandomGenerator(seed: 5)
        let v = Tensor<Double>(randomNormal: [1, 3, 2], generator: &rng)
        let s = Tensor<Double>(shape: [1, 3], scalars: [0.5, 1, 2])
        let cov = CovarianceFactor.lowRank(factors: v, scales: s).covariance()
        for r in 0..<3 {
            for col in 0..<3 {
                let vv = v[0, r, 0] * v[0, col, 0] + v[0, r, 1] * v[0, col, 1]
                #expect(abs(cov[0, r, col] - (vv + (r == col ? s[0, r] * s[0, r] : 0))) < 1e-12)
            }
        }
    }

    @Test func sampleCountFollowsTheMode() {
        var rng = RandomGenerator(seed: 1)
        let head = HeteroscedasticHead<Float>(featureCount: 4, classCount: 3, trainingSampleCount: 50, evaluationSampleCount: 20, generator: &rng)
        #expect(head.draws(batchSize: 2, generator: &rng).correlated.shape == [2, 50, 3])
        head.isTraining = false
        #expect(head.sampleCount == 20)
        #expect(head.draws(batchSize: 2, generator: &rng).correlated.shape == [2, 20, 3])
        let defaults = HeteroscedasticHead<Float>(featureCount: 4, classCount: 3, generator: &rng)
        #expect(defaults.trainingSampleCount == 1000 && defaults.evaluationSampleCount == 1000 && defaults.temperature == 0.7)
    }

    @Test func probabilitiesAreDistributionsComputedWithoutATape() {
        var rng = RandomGenerator(seed: 3)
        let head = HeteroscedasticHead<Float>(featureCount: 6, classCount: 4, generator: &rng)
        let features = Tensor<Float>(randomNormal: [5, 6], generator: &rng)
        features.requiresGrad = true
        let p = head.probabilities(features, generator: &rng)
        #expect(p.shape == [5, 4])
        #expect(!p.isTracked)
        for i in 0..<5 { #expect(abs((0..<4).reduce(Float(0)) { $0 + p[i, $1] } - 1) < 1e-5) }
        let q = head.meanLogitProbabilities(features)
        #expect(!q.isTracked)
        // Same seed, same estimate.
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        #expect(head.probabilities(features, generator: &a).scalars == head.probabilities(features, generator: &b).scalars)
    }
}

extension CovarianceForm: CustomTestStringConvertible {
    public var testDescription: String { description }
}

extension Double {
    static func log(_ x: Double) -> Double { Foundation.log(x) }
}

import Foundation
