import Autodiff
import LRN
import Testing

/// HUM's reason to exist: under class-dependent label noise between two confusable classes,
/// the learned input-dependent covariance puts its variance on the confused pair. Toy features
/// (three Gaussian clusters), the head trained alone by full-batch SGD, seeded.
@Suite struct HumCovarianceLearningTests {
    /// Var(z_a − z_b) = cov_aa + cov_bb − 2 cov_ab, averaged over the given rows of cov [M, C, C].
    static func differenceVariance(_ cov: Tensor<Float>, rows: [Int], _ a: Int, _ b: Int) -> Float {
        let c = cov.shape[1]
        let total = rows.reduce(Float(0)) { sum, i in
            let base = i * c * c
            return sum + cov.data[base + a * c + a] + cov.data[base + b * c + b] - 2 * cov.data[base + a * c + b]
        }
        return total / Float(rows.count)
    }

    /// Trains a head from the same seed on the given labels; returns the learned covariances.
    static func train(inputs: Tensor<Float>, labels: [Int], steps: Int = 40, learningRate: Float = 0.5) -> Tensor<Float> {
        var rng = RandomGenerator(seed: 9)
        let head = HeteroscedasticHead<Float>(featureCount: inputs.shape[1], classCount: 3, trainingSampleCount: 100, generator: &rng)
        for _ in 0..<steps {
            head.loss(inputs, labels: labels, generator: &rng).backward()
            ToyProblems.sgdStep(head.parameters, learningRate: learningRate)
        }
        return Graph.withoutRecording { head(inputs).covariance }
    }

    /// Four data sets (seeds). Over these and a second head seed (8 runs), the smallest ratios
    /// seen were 1.33 (against the other pairs: variance there costs little, the margin to
    /// class 2 is large), 2.2 (against the clean class) and 2.4 (against clean labels); the
    /// thresholds sit below those, and the runs are seeded, so the test is deterministic.
    @Test(arguments: [21, 22, 23, 24] as [UInt64])
    func covarianceConcentratesOnTheConfusedPair(dataSeed: UInt64) {
        let data = ToyProblems.clusters(classCount: 3, perClass: 64, dimension: 6, separation: 2, spread: 0.5, seed: dataSeed)
        // 30 % of class 0 labelled 1 and 30 % of class 1 labelled 0; class 2 clean.
        let zeroToOne = ToyProblems.flip(data.labels, from: 0, to: 1, fraction: 0.3, seed: 5)
        let oneToZero = ToyProblems.flip(data.labels, from: 1, to: 0, fraction: 0.3, seed: 6)
        let noisy = data.labels.indices.map { data.labels[$0] == 1 ? oneToZero[$0] : zeroToOne[$0] }
        #expect(noisy != data.labels)

        let learned = Self.train(inputs: data.inputs, labels: noisy)
        let control = Self.train(inputs: data.inputs, labels: data.labels)
        let pairRows = data.labels.indices.filter { data.labels[$0] != 2 }
        let cleanRows = data.labels.indices.filter { data.labels[$0] == 2 }
        let confused = Self.differenceVariance(learned, rows: pairRows, 0, 1)
        let otherPairs = max(Self.differenceVariance(learned, rows: pairRows, 0, 2), Self.differenceVariance(learned, rows: pairRows, 1, 2))
        let onCleanClass = Self.differenceVariance(learned, rows: cleanRows, 0, 1)
        let withoutNoise = Self.differenceVariance(control, rows: pairRows, 0, 1)
        print("HUM toy (data seed \(dataSeed)): Var(z0 − z1) on classes 0/1 \(confused); largest other pair there \(otherPairs); on class 2 \(onCleanClass); same head trained on clean labels \(withoutNoise)")
        // The noisy pair's direction carries the most variance, where the noise is, because of the noise.
        #expect(confused > 1.25 * otherPairs)
        #expect(confused > 2 * onCleanClass)
        #expect(confused > 2 * withoutNoise)
    }
}
