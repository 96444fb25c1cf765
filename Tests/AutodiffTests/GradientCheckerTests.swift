@testable import Autodiff
import Testing

/// The checks of the suite must be able to fail: a wrong backward and a drifting Float32 result.
@Suite struct GradientCheckerTests {
    /// x² with a backward that forgets the factor 2.
    static func brokenSquare<S>(_ x: Tensor<S>) -> Tensor<S> {
        let out = Graph.withoutRecording { x * x }
        return out.recorded(.unary(.square), [x]) { g in [g * x] }
    }

    @Test func wrongBackwardFails() {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor<Double>(randomUniform: [5], low: 0.5, high: 2, generator: &rng)
        let result = gradientCheck([x]) { Self.brokenSquare($0[0]) }
        #expect(!result.passed)
        #expect(result.maxError > 0.1, "\(result)")
        let fixed = gradientCheck([x]) { $0[0] * $0[0] }
        #expect(fixed.passed, "\(fixed)")
    }

    @Test func kinksFailUnlessAllowed() {
        let x = Tensor<Double>(shape: [3], scalars: [0, 1, -1])
        #expect(!gradientCheck([x]) { $0[0].relu() }.passed)
        let allowed = gradientCheck([x], allowKinks: true) { $0[0].relu() }
        #expect(allowed.passed && allowed.skippedKinks == 1, "\(allowed)")
    }

    @Test func float32DriftIsDetected() {
        let a = Tensor<Float>(shape: [2], scalars: [1, 2.001]), b = Tensor<Double>(shape: [2], scalars: [1, 2])
        #expect(scaledDifference(a, b) > 1e-5)
        #expect(scaledDifference(b.converted(to: Float.self), b) < 1e-7)
    }
}
