import Autodiff
import Foundation
import LRN
import Testing

@Suite struct StandardNormalSamplerTests {
    static let count = 1_000_000
    static let draws: [Double] = {
        var rng = RandomGenerator(seed: 42)
        return StandardNormalSampler.sample([count], using: &rng).scalars
    }()

    @Test func momentsAreThoseOfAStandardNormal() {
        let n = Double(Self.count)
        let mean = Self.draws.reduce(0, +) / n
        let variance = Self.draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let skew = Self.draws.reduce(0) { $0 + pow($1 - mean, 3) } / n
        let kurtosis = Self.draws.reduce(0) { $0 + pow($1 - mean, 4) } / n
        // Standard errors at n = 1e6: mean 0.001, variance 0.0014, skew 0.0024, kurtosis 0.005.
        #expect(abs(mean) < 0.005)
        #expect(abs(variance - 1) < 0.007)
        #expect(abs(skew) < 0.012)
        #expect(abs(kurtosis - 3) < 0.03)
    }

    @Test func distributionFunctionMatchesKolmogorovSmirnov() {
        let sorted = Self.draws.sorted()
        let n = Double(sorted.count)
        var largest = 0.0
        for (i, x) in sorted.enumerated() {
            let cdf = 0.5 * erfc(-x / 2.0.squareRoot())
            largest = max(largest, abs(cdf - Double(i) / n), abs(cdf - Double(i + 1) / n))
        }
        // 1.63/√n is the 1 % critical value of the Kolmogorov–Smirnov statistic.
        #expect(largest < 1.63 / n.squareRoot(), "KS statistic \(largest)")
    }

    @Test func tailsBeyondTheBaseLayerHaveTheirMass() {
        // The ziggurat's exact tail step starts at 3.4426: P(|x| > 3.4426) = 5.76e-4, P(|x| > 4) = 6.33e-5.
        let beyondBase = Double(Self.draws.filter { abs($0) > 3.442619855899 }.count) / Double(Self.count)
        let beyondFour = Double(Self.draws.filter { abs($0) > 4 }.count) / Double(Self.count)
        #expect(abs(beyondBase - 5.76e-4) < 5 * (5.76e-4 / 1e6).squareRoot())
        #expect(abs(beyondFour - 6.33e-5) < 5 * (6.33e-5 / 1e6).squareRoot())
    }

    @Test func sameSeedSameDrawsFloatAndOddCounts() {
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        let x: Tensor<Float> = StandardNormalSampler.sample([3, 5], using: &a)
        let y: Tensor<Float> = StandardNormalSampler.sample([3, 5], using: &b)
        #expect(x.scalars == y.scalars)
        #expect(Set(x.scalars).count == 15)
        var c = RandomGenerator(seed: 8)
        let z: Tensor<Float> = StandardNormalSampler.sample([3, 5], using: &c)
        #expect(z.scalars != x.scalars)
    }
}
