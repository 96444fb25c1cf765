import Autodiff
import Foundation
import LRN
import Testing

@Suite struct CLDLossTests {
    struct Switches: CustomTestStringConvertible, Sendable {
        var confidence: Bool, variance: Bool
        var testDescription: String { "ω-grad \(confidence), σ²-grad \(variance)" }
    }
    static let allSwitches = [false, true].flatMap { c in [false, true].map { v in Switches(confidence: c, variance: v) } }

    static func similarities() -> [CLDSimilarity<Double>] {
        [.negativeSquaredEuclidean, .cosine,
         CLDSimilarity(name: "negative L1 distance") { f, mu in
             -(f.reshaped([f.shape[0], 1, f.shape[1]]) - mu.reshaped([1, mu.shape[0], mu.shape[1]])).abs().sum(axis: 2)
         }]
    }

    /// The loss written out in plain loops, for one set of features and centres.
    static func reference(_ f: Tensor<Double>, _ mu: Tensor<Double>, similarity: (Int, Int) -> Double) -> Double {
        let m = f.shape[0], c = mu.shape[0], d = f.shape[1]
        func dist2(_ i: Int, _ k: Int) -> Double { (0..<d).reduce(0) { $0 + pow(f[i, $1] - mu[k, $1], 2) } }
        let centre = (0..<d).map { j in (0..<c).reduce(0) { $0 + mu[$1, j] } / Double(c) }
        let variance = (0..<c).reduce(0.0) { acc, k in acc + (0..<d).reduce(0) { $0 + pow(mu[k, $1] - centre[$1], 2) } } / Double(c)
        var total = 0.0
        for i in 0..<m {
            let weights = (0..<c).map { exp(similarity(i, $0)) }
            let z = weights.reduce(0, +)
            for k in 0..<c { total += weights[k] / z * dist2(i, k) }
        }
        return total / (variance * Double(m * c))
    }

    static func fixture(seed: UInt64 = 1) -> (cld: CLDLoss<Double>, features: Tensor<Double>) {
        var rng = RandomGenerator(seed: seed)
        let cld = CLDLoss<Double>(classCount: 3, featureCount: 4, generator: &rng)
        return (cld, Tensor<Double>(randomNormal: [5, 4], generator: &rng))
    }

    @Test func valueMatchesTheFormula() {
        let (cld, f) = Self.fixture()
        let mu = cld.centers
        let euclid = Self.reference(f, mu) { i, k in -(0..<4).reduce(0) { $0 + pow(f[i, $1] - mu[k, $1], 2) } }
        #expect(abs(cld(f).scalar - euclid) < 1e-12)
        cld.similarity = .cosine
        let cosine = Self.reference(f, mu) { i, k in
            let dot = (0..<4).reduce(0) { $0 + f[i, $1] * mu[k, $1] }
            let nf = (0..<4).reduce(0) { $0 + f[i, $1] * f[i, $1] }.squareRoot()
            let nm = (0..<4).reduce(0) { $0 + mu[k, $1] * mu[k, $1] }.squareRoot()
            return dot / (nf * nm)
        }
        #expect(abs(cld(f).scalar - cosine) < 1e-9)
    }

    @Test func confidenceRowsSumToOne() {
        let (cld, f) = Self.fixture()
        for similarity in Self.similarities() {
            cld.similarity = similarity
            let omega = cld.terms(f).confidence
            for i in 0..<5 {
                #expect(abs((0..<3).reduce(0.0) { $0 + omega[i, $1] } - 1) < 1e-12, "\(similarity)")
                for k in 0..<3 { #expect(omega[i, k] >= 0) }
            }
        }
    }

    @Test func zeroWhenEveryFeatureSitsOnItsCentre() {
        var rng = RandomGenerator(seed: 3)
        // Centres far apart: ω is exactly one-hot on the centre a feature sits on.
        let cld = CLDLoss<Double>(classCount: 4, featureCount: 6, centerScale: 100, generator: &rng)
        let onCentres = Tensor<Double>(shape: [8, 6], scalars: (0..<8).flatMap { i in (0..<6).map { cld.centers[i % 4, $0] } })
        #expect(cld(onCentres).scalar == 0)
        // Moving one feature off its centre makes it positive: the check can fail.
        onCentres[0, 0] += 1
        #expect(cld(onCentres).scalar > 0)
    }

    @Test func invariantToACommonShiftOfFeaturesAndCentres() {
        let (cld, f) = Self.fixture()
        let before = cld(f).scalar
        var rng = RandomGenerator(seed: 5)
        let shift = Tensor<Double>(randomNormal: [4], std: 10, generator: &rng)
        cld.centers = cld.centers + shift
        let after = cld(f + shift).scalar
        #expect(abs(before - after) < 1e-10 * before, "\(before) vs \(after)")
    }

    @Test func invariantToACommonScale() {
        let (cld, f) = Self.fixture()
        // Scaling features and centres by a scales distances by a², σ² by a², and the
        // similarities too; with cosine (scale-free) the loss is exactly invariant.
        cld.similarity = .cosine
        let before = cld(f).scalar
        cld.centers = cld.centers * 3
        #expect(abs(cld(f * 3).scalar - before) < 1e-12)
    }

    /// Float64 gradient checks with respect to features and centres, for every switch
    /// combination and similarity. A detached quantity is a constant of the step, so the
    /// reference differentiates the formula with that quantity frozen at the check point.
    @Test(arguments: allSwitches)
    func gradientsMatchFiniteDifferences(_ switches: Switches) {
        for similarity in Self.similarities() {
            let (cld, f) = Self.fixture(seed: 9)
            cld.similarity = similarity
            cld.gradientThroughConfidence = switches.confidence
            cld.gradientThroughVariance = switches.variance
            let mu0 = cld.centers.copy()
            let frozen = Graph.withoutRecording { cld.terms(f) }
            // Reference: the same formula from ops, with detached quantities frozen.
            func reference(_ x: [Tensor<Double>]) -> Tensor<Double> {
                let distances = CLDLoss<Double>.squaredDistances(features: x[0], centers: x[1])
                let omega = switches.confidence
                    ? similarity.evaluate(features: x[0], centers: x[1]).softmax(axis: 1) : frozen.confidence
                let variance = switches.variance ? CLDLoss<Double>.centerVariance(x[1]) : frozen.centerVariance
                return (omega * distances).sum() / (variance * Double(5 * 3))
            }
            let check = gradientCheck([f, mu0], reference)
            #expect(check.passed, "\(similarity), \(switches.testDescription): \(check)")
            // The loss's own gradients equal the reference's analytic gradients.
            let features = f.copy(); features.requiresGrad = true
            cld.centers = mu0.copy(); cld.centers.requiresGrad = true
            cld(features).backward()
            let (rf, rmu) = (f.copy(), mu0.copy())
            rf.requiresGrad = true; rmu.requiresGrad = true
            reference([rf, rmu]).backward()
            for (a, b) in zip(features.grad!.scalars + cld.centers.grad!.scalars, rf.grad!.scalars + rmu.grad!.scalars) {
                #expect(abs(a - b) < 1e-12 * max(1, abs(b)), "\(similarity), \(switches.testDescription)")
            }
        }
    }

    @Test func fullyFlowingLossGradientCheckDirectly() {
        // With both switches on, the loss itself is differentiated by finite differences.
        let (cld, f) = Self.fixture(seed: 4)
        let check = gradientCheck([f, cld.centers]) { x in
            cld.centers = x[1]
            return cld(x[0])
        }
        #expect(check.passed, "\(check)")
    }

    @Test func detachingChangesTheGradient() {
        // A switch that did nothing would pass the checks above trivially; it must matter.
        var gradients: [[Double]] = []
        for switches in Self.allSwitches {
            let (cld, f) = Self.fixture(seed: 9)
            cld.gradientThroughConfidence = switches.confidence
            cld.gradientThroughVariance = switches.variance
            cld(f).backward()
            gradients.append(cld.centers.grad!.scalars)
        }
        for a in 0..<4 {
            for b in (a + 1)..<4 {
                #expect(zip(gradients[a], gradients[b]).contains { abs($0 - $1) > 1e-9 }, "combinations \(a) and \(b)")
            }
        }
    }

    @Test func parametersAndInitialisation() {
        var rng = RandomGenerator(seed: 12)
        let cld = CLDLoss<Float>(classCount: 7, featureCount: 512, generator: &rng)
        #expect(cld.namedParameters.map(\.name) == ["centers"])
        #expect(cld.centers.shape == [7, 512] && cld.centers.requiresGrad)
        // N(0, 1) per coordinate: σ² ≈ D (1 − 1/C) = 438.9 for D = 512, C = 7.
        let variance = CLDLoss<Float>.centerVariance(cld.centers).scalar
        #expect(abs(variance - 438.9) < 25, "σ² = \(variance)")
    }
}
