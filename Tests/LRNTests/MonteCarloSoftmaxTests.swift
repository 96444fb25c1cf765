import Autodiff
import Foundation
import LRN
import Testing

@Suite struct MonteCarloSoftmaxTests {
    /// The literal definition, in plain loops: −(1/M) Σ_i log( (1/S) Σ_s softmax(z_{i,s})_{y_i} ).
    static func naiveLoss(_ z: Tensor<Double>, labels: [Int]) -> Double {
        let m = z.shape[0], s = z.shape[1], c = z.shape[2]
        var total = 0.0
        for i in 0..<m {
            var p = 0.0
            for j in 0..<s {
                let row = (0..<c).map { z[i, j, $0] }
                let denominator = row.reduce(0) { $0 + exp($1) }
                p += exp(row[labels[i]]) / denominator
            }
            total -= log(p / Double(s))
        }
        return total / Double(m)
    }

    static func fixture(m: Int = 4, c: Int = 3, s: Int = 7, scale: Double = 1, seed: UInt64 = 3)
        -> (d: Tensor<Double>, lower: Tensor<Double>, draws: LogitNoiseDraws<Double>, labels: [Int]) {
        var rng = RandomGenerator(seed: seed)
        let d = Tensor<Double>(randomNormal: [m, c], std: scale, generator: &rng)
        let packed = Tensor<Double>(randomNormal: [m, c * (c + 1) / 2], generator: &rng)
        let lower = LowerTriangle.unpack(packed, size: c)
        let draws = LogitNoiseDraws<Double>(form: .full, batchSize: m, sampleCount: s, classCount: c, generator: &rng)
        return (d, lower, draws, (0..<m).map { $0 % c })
    }

    @Test func logSpaceLossEqualsTheNaiveDefinition() {
        let f = Self.fixture()
        for t in [0.7, 1.0, 2.5] {
            let z = MonteCarloSoftmax.scaledSampleLogits(meanLogits: f.d, factor: .full(lower: f.lower), draws: f.draws, temperature: t)
            let loss = heteroscedasticLoss(meanLogits: f.d, factor: .full(lower: f.lower), labels: f.labels, draws: f.draws, temperature: t)
            let naive = Self.naiveLoss(z, labels: f.labels)
            #expect(naive.isFinite)
            #expect(abs(loss.scalar - naive) < 1e-12 * max(1, abs(naive)), "T = \(t): \(loss.scalar) vs \(naive)")
        }
    }

    @Test func sampleLogitsAreMeanPlusFactorTimesDrawOverT() {
        let f = Self.fixture(m: 2, c: 3, s: 4)
        let t = 0.7
        let z = MonteCarloSoftmax.scaledSampleLogits(meanLogits: f.d, factor: .full(lower: f.lower), draws: f.draws, temperature: t)
        for i in 0..<2 {
            for j in 0..<4 {
                for k in 0..<3 {
                    let noise = (0..<3).reduce(0.0) { $0 + f.lower[i, k, $1] * f.draws.correlated[i, j, $1] }
                    #expect(abs(z[i, j, k] - (f.d[i, k] + noise) / t) < 1e-12)
                }
            }
        }
    }

    @Test func zeroCovarianceGivesSoftmaxOfMeanOverT() {
        let f = Self.fixture()
        let zero = CovarianceFactor.full(lower: Tensor<Double>(zeros: f.lower.shape))
        let t = 0.7
        let z = MonteCarloSoftmax.scaledSampleLogits(meanLogits: f.d, factor: zero, draws: f.draws, temperature: t)
        let samples = z.softmax(axis: -1)
        let expected = (f.d / t).softmax(axis: -1)
        for i in 0..<4 {
            for j in 0..<7 {
                for k in 0..<3 { #expect(abs(samples[i, j, k] - expected[i, k]) < 1e-14) }
            }
        }
        let loss = heteroscedasticLoss(meanLogits: f.d, factor: zero, labels: f.labels, draws: f.draws, temperature: t)
        let ce = crossEntropy(logits: f.d / t, labels: f.labels)
        #expect(abs(loss.scalar - ce.scalar) < 1e-12)
    }

    /// C = 2 has a closed form up to one integral: p'_0 = E[σ((Δ + √v n)/T)], n ~ N(0, 1), where
    /// Δ = d_0 − d_1 and v = Var(z_0 − z_1) = cov_00 + cov_11 − 2 cov_01. Trapezoid rule on
    /// [−12, 12]; the MC estimate must land within 4 of its own standard errors.
    static func quadrature(delta: Double, variance: Double, temperature: Double) -> (mean: Double, secondMoment: Double) {
        let points = 24001, a = -12.0, h = 24.0 / Double(points - 1)
        var mean = 0.0, second = 0.0
        for k in 0..<points {
            let n = a + Double(k) * h
            let weight = (k == 0 || k == points - 1 ? 0.5 : 1) * h * exp(-0.5 * n * n) / (2 * Double.pi).squareRoot()
            let sigma = 1 / (1 + exp(-(delta + variance.squareRoot() * n) / temperature))
            mean += weight * sigma
            second += weight * sigma * sigma
        }
        return (mean, second)
    }

    @Test(arguments: [CovarianceForm.full, .lowRank(rank: 1)])
    func monteCarloConvergesToTheTwoClassClosedForm(_ form: CovarianceForm) {
        let t = 0.7, s = 200_000
        let d = Tensor<Double>(shape: [3, 2], scalars: [0.3, -0.2, 2.0, 0.5, -1.0, 1.5])
        let factor: CovarianceFactor<Double>
        switch form {
        case .full:
            factor = .full(lower: Tensor(shape: [3, 2, 2], scalars: [1.0, 0, 0.4, 0.8,
                                                                      0.2, 0, -1.5, 2.0,
                                                                      3.0, 0, 2.5, 0.5]))
        case .lowRank:
            factor = .lowRank(factors: Tensor(shape: [3, 2, 1], scalars: [1.0, -1.0, 0.5, 2.0, 3.0, 3.0]),
                              scales: Tensor(shape: [3, 2], scalars: [0.5, 0.2, 1.0, 0.1, 0.3, 0.3]))
        }
        var rng = RandomGenerator(seed: 77)
        let draws = LogitNoiseDraws<Double>(form: form, batchSize: 3, sampleCount: s, classCount: 2, generator: &rng)
        let z = MonteCarloSoftmax.scaledSampleLogits(meanLogits: d, factor: factor, draws: draws, temperature: t)
        let p = MonteCarloSoftmax.probabilities(scaledSampleLogits: z)
        let logP = MonteCarloSoftmax.logProbability(ofLabels: [0, 0, 0], meanLogits: d, factor: factor, draws: draws, temperature: t)
        let cov = factor.covariance()
        for i in 0..<3 {
            let v = cov[i, 0, 0] + cov[i, 1, 1] - 2 * cov[i, 0, 1]
            let exact = Self.quadrature(delta: d[i, 0] - d[i, 1], variance: v, temperature: t)
            let standardError = ((exact.secondMoment - exact.mean * exact.mean) / Double(s)).squareRoot()
            #expect(abs(p[i, 0] - exact.mean) < 4 * standardError, "\(form) item \(i): MC \(p[i, 0]), closed form \(exact.mean), SE \(standardError)")
            #expect(abs(exp(logP[i]) - p[i, 0]) < 1e-12)
        }
    }

    /// Float64 gradient check of L_cls with respect to the mean logits and the packed factor,
    /// both covariance forms, several temperatures.
    @Test func lossGradientsMatchFiniteDifferences() {
        let f = Self.fixture()
        var rng = RandomGenerator(seed: 8)
        let packed = Tensor<Double>(randomNormal: [4, 6], generator: &rng)
        for t in [0.7, 1.3] {
            let full = gradientCheck([f.d, packed]) { x in
                heteroscedasticLoss(meanLogits: x[0], factor: .full(lower: LowerTriangle.unpack(x[1], size: 3)),
                                    labels: f.labels, draws: f.draws, temperature: t)
            }
            #expect(full.passed, "full, T = \(t): \(full)")
        }
        let v = Tensor<Double>(randomNormal: [4, 3, 2], generator: &rng)
        let scales = Tensor<Double>(randomUniform: [4, 3], low: 0.2, high: 2, generator: &rng)
        let draws = LogitNoiseDraws<Double>(form: .lowRank(rank: 2), batchSize: 4, sampleCount: 6, classCount: 3, generator: &rng)
        let lowRank = gradientCheck([f.d, v, scales]) { x in
            heteroscedasticLoss(meanLogits: x[0], factor: .lowRank(factors: x[1], scales: x[2]),
                                labels: f.labels, draws: draws, temperature: 0.7)
        }
        #expect(lowRank.passed, "low rank: \(lowRank)")
    }

    @Test func hugeLogitsGiveFiniteLossAndGradients() {
        let m = 4, c = 3, s = 50
        let d = Tensor<Float>(shape: [m, c], scalars: [1e4, -1e4, 0, -1e4, 1e4, 0, 1e4, 1e4, -1e4, -1e4, -1e4, 1e4], requiresGrad: true)
        let packed = Tensor<Float>(repeating: 1e3, shape: [m, 6], requiresGrad: true)
        var rng = RandomGenerator(seed: 2)
        let draws = LogitNoiseDraws<Float>(form: .full, batchSize: m, sampleCount: s, classCount: c, generator: &rng)
        // Labels on the largest and on the smallest logit: log p' near 0 and near −2e4/T.
        let loss = heteroscedasticLoss(meanLogits: d, factor: .full(lower: LowerTriangle.unpack(packed, size: c)),
                                       labels: [0, 0, 2, 2], draws: draws, temperature: 0.7)
        #expect(loss.scalar.isFinite && loss.scalar > 1e3)
        loss.backward()
        #expect(d.grad!.scalars.allSatisfy { $0.isFinite })
        #expect(packed.grad!.scalars.allSatisfy { $0.isFinite })
        // The naive definition underflows to log(0) here.
        let z = MonteCarloSoftmax.scaledSampleLogits(meanLogits: d.detached(), factor: .full(lower: LowerTriangle.unpack(packed.detached(), size: c)),
                                                     draws: draws, temperature: 0.7)
        let naive = -(MonteCarloSoftmax.probabilities(scaledSampleLogits: z).log()).mean().scalar
        #expect(!naive.isFinite)
    }

    @Test func softmaxCrossEntropyMatchesDefinition() {
        var rng = RandomGenerator(seed: 4)
        let logits = Tensor<Double>(randomNormal: [5, 4], std: 3, generator: &rng)
        let labels = [0, 3, 1, 1, 2]
        var expected = 0.0
        for i in 0..<5 {
            let denominator = (0..<4).reduce(0.0) { $0 + exp(logits[i, $1]) }
            expected -= log(exp(logits[i, labels[i]]) / denominator)
        }
        #expect(abs(crossEntropy(logits: logits, labels: labels).scalar - expected / 5) < 1e-12)
        let result = gradientCheck([logits]) { x in crossEntropy(logits: x[0], labels: labels) }
        #expect(result.passed, "\(result)")
    }
}

@Suite struct Float32AgreementTests {
    /// The working type gives the Float64 loss and gradients to single-precision accuracy at
    /// the paper's sizes (C = 7, S = 1000), for logits of ordinary and of large magnitude.
    @Test(arguments: [1.0, 30.0])
    func float32MatchesFloat64(_ scale: Double) {
        let m = 16, c = 7, s = 1000
        var rng = RandomGenerator(seed: 21)
        let d = Tensor<Double>(randomNormal: [m, c], std: scale, generator: &rng)
        let packed = Tensor<Double>(randomNormal: [m, 28], std: scale / 3, generator: &rng)
        let draws = LogitNoiseDraws<Double>(form: .full, batchSize: m, sampleCount: s, classCount: c, generator: &rng)
        let labels = (0..<m).map { $0 % c }
        func run<S: TensorScalar>(_ type: S.Type) -> (loss: Double, grads: [Double]) {
            let d32 = d.converted(to: S.self), p32 = packed.converted(to: S.self)
            d32.requiresGrad = true; p32.requiresGrad = true
            let loss = heteroscedasticLoss(meanLogits: d32, factor: .full(lower: p32.fillLowerTriangular(size: c)), labels: labels,
                                           draws: LogitNoiseDraws(correlated: draws.correlated.converted(to: S.self)), temperature: S(0.7))
            loss.backward()
            return (Double(loss.scalar), (d32.grad!.scalars + p32.grad!.scalars).map { Double($0) })
        }
        let single = run(Float.self), double = run(Double.self)
        #expect(abs(single.loss - double.loss) < 1e-5 * max(1, abs(double.loss)), "\(single.loss) vs \(double.loss)")
        let largest = double.grads.map(abs).max()!
        let worst = zip(single.grads, double.grads).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-4 * largest, "largest gradient difference \(worst), largest gradient \(largest)")
    }
}
