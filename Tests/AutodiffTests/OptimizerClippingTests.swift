import Autodiff
import Testing

/// Gradient clipping by global norm.
@Suite struct OptimizerClippingTests {
    func clipsToMaxNorm<S: TensorScalar>(_: S.Type) {
        let a: Tensor<S> = parameter([0, 0]), b: Tensor<S> = parameter([0]), noGradient: Tensor<S> = parameter([100])
        setGradient(a, [3, 0])
        setGradient(b, [-4])
        // global norm √(3² + 0² + 4²) = 5; the parameter without a gradient does not count.
        let norm = clipGradientNorm([a, b, noGradient], maxNorm: 1)
        #expect(Swift.abs(norm - 5) <= handTolerance(S.self) * 5, "\(S.dtypeName): norm \(norm)")
        // factor 1 / (5 + 1e-6): [3, 0] → [0.6, 0] · (1 − 2e-7), [−4] → [−0.8] · (1 − 2e-7)
        let factor = 1 / (5 + 1e-6)
        expectClose(a.grad!, [3 * factor, 0], "clipped a")
        expectClose(b.grad!, [-4 * factor], "clipped b")
        #expect(noGradient.grad == nil)
        #expect(Swift.abs(gradientNorm([a, b]) - 1) < 1e-5)
    }

    @Test func clipsToTheMaximumNorm() {
        clipsToMaxNorm(Double.self)
        clipsToMaxNorm(Float.self)
    }

    @Test func leavesSmallGradientsAlone() {
        let a: Tensor<Float> = parameter([0, 0])
        setGradient(a, [0.3, -0.4])
        let before = bits(a.grad!)
        #expect(Swift.abs(clipGradientNorm([a], maxNorm: 1) - 0.5) < 1e-7)
        #expect(bits(a.grad!) == before)
    }

    @Test func nonFiniteNormIsReportedAndGradientsKept() {
        let a: Tensor<Double> = parameter([0, 0])
        setGradient(a, [.infinity, 1])
        #expect(clipGradientNorm([a], maxNorm: 1) == .infinity)
        #expect(a.grad!.scalars == [.infinity, 1])
        setGradient(a, [.nan, 1])
        #expect(clipGradientNorm([a], maxNorm: 1).isNaN)
    }

    /// Many elements, summed in parallel blocks: the norm equals the exact value and is the
    /// same bits every call.
    func largeNorm<S: TensorScalar>(_: S.Type) {
        let n = 1_000_003
        let a = Tensor<S>(zeros: [n], requiresGrad: true)
        a.grad = Tensor(repeating: 0.5, shape: [n])
        // √(n · 0.25) = 0.5 · √n, exact in Double accumulation of powers of two
        let expected = 0.5 * Double(n).squareRoot()
        let norm = gradientNorm([a])
        #expect(Swift.abs(norm - expected) <= 1e-12 * expected, "\(S.dtypeName): \(norm) vs \(expected)")
        #expect(gradientNorm([a]).bitPattern == norm.bitPattern)
        clipGradientNorm([a], maxNorm: 1)
        #expect(Swift.abs(gradientNorm([a]) - 1) < 1e-5)
    }

    @Test func largeGradientNorm() {
        largeNorm(Double.self)
        largeNorm(Float.self)
    }
}
