import Autodiff
import Foundation
import Testing

/// Each optimiser and option against values worked out by hand for a few steps, in Float64
/// and Float32. The arithmetic is in the comments; every case is chosen so that a wrong rule
/// (dampening on the first step, epsilon inside the bias correction, coupled instead of
/// decoupled decay, a shared step count) gives a different number.
@Suite struct OptimizerTests {
    // MARK: SGD

    func sgdPlain<S: TensorScalar>(_: S.Type) throws {
        let p: Tensor<S> = parameter([1, -2])
        let sgd = try SGD(parameters: [p], learningRate: 0.1)
        setGradient(p, [0.5, 1])
        sgd.step()
        // p = [1 − 0.1·0.5, −2 − 0.1·1] = [0.95, −2.1]
        expectClose(p, [0.95, -2.1], "plain step 1")
        setGradient(p, [-1, 2])
        sgd.step()
        // p = [0.95 + 0.1, −2.1 − 0.2] = [1.05, −2.3]
        expectClose(p, [1.05, -2.3], "plain step 2")
        #expect(sgd.stepCount == 2)
    }

    @Test func sgdPlainSteps() throws {
        try sgdPlain(Double.self)
        try sgdPlain(Float.self)
    }

    func sgdMomentum<S: TensorScalar>(_: S.Type) throws {
        let p: Tensor<S> = parameter([1])
        let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        // step 1, g = 1:  buf = g = 1 (first step);         p = 1 − 0.1·1 = 0.9
        // step 2, g = 2:  buf = 0.9·1 + 2 = 2.9;            p = 0.9 − 0.29 = 0.61
        // step 3, g = −1: buf = 0.9·2.9 − 1 = 1.61;         p = 0.61 − 0.161 = 0.449
        for (g, expected) in [(1.0, 0.9), (2, 0.61), (-1, 0.449)] {
            setGradient(p, [g])
            sgd.step()
            expectClose(p, [expected], "momentum")
        }
    }

    @Test func sgdMomentumSteps() throws {
        try sgdMomentum(Double.self)
        try sgdMomentum(Float.self)
    }

    func sgdDampening<S: TensorScalar>(_: S.Type) throws {
        let p: Tensor<S> = parameter([1])
        let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, dampening: 0.5)
        // step 1, g = 1:  buf = g = 1 (PyTorch: no dampening on the first step); p = 0.9
        // step 2, g = 2:  buf = 0.9·1 + 0.5·2 = 1.9;        p = 0.9 − 0.19 = 0.71
        // step 3, g = −1: buf = 0.9·1.9 − 0.5 = 1.21;       p = 0.71 − 0.121 = 0.589
        for (g, expected) in [(1.0, 0.9), (2, 0.71), (-1, 0.589)] {
            setGradient(p, [g])
            sgd.step()
            expectClose(p, [expected], "dampening")
        }
    }

    @Test func sgdDampeningSteps() throws {
        try sgdDampening(Double.self)
        try sgdDampening(Float.self)
    }

    func sgdNesterov<S: TensorScalar>(_: S.Type) throws {
        let p: Tensor<S> = parameter([1])
        let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, nesterov: true)
        // step 1, g = 1:  buf = 1;    d = 1 + 0.9·1 = 1.9;      p = 1 − 0.19 = 0.81
        // step 2, g = 2:  buf = 2.9;  d = 2 + 0.9·2.9 = 4.61;   p = 0.81 − 0.461 = 0.349
        // step 3, g = −1: buf = 1.61; d = −1 + 0.9·1.61 = 0.449; p = 0.349 − 0.0449 = 0.3041
        for (g, expected) in [(1.0, 0.81), (2, 0.349), (-1, 0.3041)] {
            setGradient(p, [g])
            sgd.step()
            expectClose(p, [expected], "nesterov")
        }
    }

    @Test func sgdNesterovSteps() throws {
        try sgdNesterov(Double.self)
        try sgdNesterov(Float.self)
    }

    func sgdWeightDecay<S: TensorScalar>(_: S.Type) throws {
        let p: Tensor<S> = parameter([1])
        let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, weightDecay: 0.1)
        // step 1, g = 1: d = 1 + 0.1·1 = 1.1;       buf = 1.1;                  p = 1 − 0.11 = 0.89
        // step 2, g = 2: d = 2 + 0.1·0.89 = 2.089;  buf = 0.9·1.1 + 2.089 = 3.079; p = 0.89 − 0.3079 = 0.5821
        for (g, expected) in [(1.0, 0.89), (2, 0.5821)] {
            setGradient(p, [g])
            sgd.step()
            expectClose(p, [expected], "weight decay")
        }
    }

    @Test func sgdWeightDecaySteps() throws {
        try sgdWeightDecay(Double.self)
        try sgdWeightDecay(Float.self)
    }

    func sgdSkipsParametersWithoutGradient<S: TensorScalar>(_: S.Type) throws {
        let a: Tensor<S> = parameter([1]), b: Tensor<S> = parameter([1])
        let sgd = try SGD(parameters: [a, b], learningRate: 0.1, momentum: 0.9, dampening: 0.5)
        setGradient(a, [1])
        sgd.step()
        // a moved (buf_a = 1, a = 0.9); b had no gradient: unchanged, its buffer untouched.
        expectClose(a, [0.9], "a after step 1")
        expectClose(b, [1], "b without gradient")
        setGradient(a, [1])
        setGradient(b, [2])
        sgd.step()
        // a: buf = 0.9·1 + 0.5·1 = 1.4, a = 0.9 − 0.14 = 0.76.
        // b: its first update, so buf = g = 2 (not 0.9·0 + 0.5·2 = 1): b = 1 − 0.2 = 0.8.
        expectClose(a, [0.76], "a after step 2")
        expectClose(b, [0.8], "b's first update")
    }

    @Test func sgdSkipsParametersWithoutGradients() throws {
        try sgdSkipsParametersWithoutGradient(Double.self)
        try sgdSkipsParametersWithoutGradient(Float.self)
    }

    // MARK: Adam and AdamW

    // lr 0.1, beta1 0.5, beta2 0.75 and a large epsilon 0.5 keep the numbers round and make
    // epsilon's place visible: PyTorch adds it to √v̂ (not to √v before the bias correction).
    func adam<S: TensorScalar>(_: S.Type) throws {
        let p: Tensor<S> = parameter([1])
        let adam = try Adam(parameters: [p], learningRate: 0.1, beta1: 0.5, beta2: 0.75, epsilon: 0.5)
        setGradient(p, [2])
        adam.step()
        // t = 1, g = 2: m = 0.5·2 = 1; v = 0.25·4 = 1; 1 − 0.5¹ = 0.5; 1 − 0.75¹ = 0.25
        // p = 1 − (0.1 / 0.5) · 1 / (√1 / √0.25 + 0.5) = 1 − 0.2 · 1 / 2.5 = 0.92
        // (the paper's ε̂ form, lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + ε), would give
        //  1 − 0.1 · 0.5 / 0.5 · 1 / (1 + 0.5) = 0.9333)
        expectClose(p, [0.92], "adam step 1")
        setGradient(p, [-2])
        adam.step()
        // t = 2, g = −2: m = 0.5·1 + 0.5·(−2) = −0.5; v = 0.75·1 + 0.25·4 = 1.75
        // 1 − 0.5² = 0.75; 1 − 0.75² = 0.4375; √1.75 / √0.4375 = √4 = 2
        // p = 0.92 − (0.1 / 0.75) · (−0.5) / (2 + 0.5) = 0.92 + 0.08/3 = 0.946666…
        expectClose(p, [0.92 + 0.08 / 3], "adam step 2")
        setGradient(p, [1])
        adam.step()
        // t = 3, g = 1: m = −0.25 + 0.5 = 0.25; v = 0.75·1.75 + 0.25 = 1.5625
        // 1 − 0.5³ = 0.875; 1 − 0.75³ = 0.578125; √1.5625 / √0.578125 = 1.25 / 0.7603453 = 1.6439899
        // p = 0.9466667 − (0.1 / 0.875) · 0.25 / (1.6439899 + 0.5) = 0.9466667 − 0.0133263 = 0.9333404
        expectClose(p, [0.9333403777086242], "adam step 3")
        #expect(adam.stepCount == 3)
    }

    @Test func adamSteps() throws {
        try adam(Double.self)
        try adam(Float.self)
    }

    func adamCoupledWeightDecay<S: TensorScalar>(_: S.Type) throws {
        let p: Tensor<S> = parameter([1])
        let adam = try Adam(parameters: [p], learningRate: 0.1, beta1: 0.5, beta2: 0.75, epsilon: 0.5, weightDecay: 0.5)
        // The L2 term enters the gradient: g' = g + 0.5·p. These gradients make g' = 2, then −2,
        // so the path is the plain one above.
        setGradient(p, [1.5])
        adam.step()
        // g' = 1.5 + 0.5·1 = 2 → p = 0.92
        expectClose(p, [0.92], "adam L2 step 1")
        setGradient(p, [-2.46])
        adam.step()
        // g' = −2.46 + 0.5·0.92 = −2 → p = 0.92 + 0.08/3
        expectClose(p, [0.92 + 0.08 / 3], "adam L2 step 2")
    }

    @Test func adamCoupledWeightDecaySteps() throws {
        try adamCoupledWeightDecay(Double.self)
        try adamCoupledWeightDecay(Float.self)
    }

    func adamW<S: TensorScalar>(_: S.Type) throws {
        let p: Tensor<S> = parameter([1])
        let adamW = try AdamW(parameters: [p], learningRate: 0.1, beta1: 0.5, beta2: 0.75, epsilon: 0.5, weightDecay: 0.5)
        setGradient(p, [2])
        adamW.step()
        // decay first: p = 1 · (1 − 0.1·0.5) = 0.95; then the Adam step of g = 2 (−0.08): 0.87
        expectClose(p, [0.87], "adamW step 1")
        setGradient(p, [-2])
        adamW.step()
        // p = 0.87 · 0.95 = 0.8265; Adam step of g = −2 at t = 2 (+0.08/3): 0.8531667
        expectClose(p, [0.8265 + 0.08 / 3], "adamW step 2")
        setGradient(p, [1])
        adamW.step()
        // p = 0.8531667 · 0.95 = 0.8105083; Adam step at t = 3 as above (−0.0133263): 0.7971820
        expectClose(p, [0.7971820443752908], "adamW step 3")
    }

    @Test func adamWSteps() throws {
        try adamW(Double.self)
        try adamW(Float.self)
    }

    func adamPerParameterSteps<S: TensorScalar>(_: S.Type) throws {
        let a: Tensor<S> = parameter([1]), b: Tensor<S> = parameter([1])
        let adam = try Adam(parameters: [a, b], learningRate: 0.1, beta1: 0.5, beta2: 0.75, epsilon: 0.5)
        setGradient(a, [2])
        adam.step()
        expectClose(b, [1], "b without gradient")
        setGradient(a, [-2])
        setGradient(b, [2])
        adam.step()
        // a is at its t = 2 (0.92 + 0.08/3); b at its t = 1, with t = 1's bias corrections:
        // b = 1 − 0.2 · 1 / 2.5 = 0.92. (With the optimiser's count t = 2 it would be
        // 1 − (0.1/0.75) · 0.5 / (√0.25/√0.4375 + 0.5) = 0.9467.)
        expectClose(a, [0.92 + 0.08 / 3], "a at t = 2")
        expectClose(b, [0.92], "b at its own t = 1")
    }

    @Test func adamCountsStepsPerParameter() throws {
        try adamPerParameterSteps(Double.self)
        try adamPerParameterSteps(Float.self)
    }

    @Test func adamDefaultsArePyTorchs() throws {
        let p: Tensor<Float> = parameter([1])
        let adam = try Adam(parameters: [p])
        #expect(adam.learningRate == 1e-3 && adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-8 && adam.weightDecay == 0)
        let adamW = try AdamW(parameters: [p])
        #expect(adamW.learningRate == 1e-3 && adamW.weightDecay == 1e-2)
        // First Adam step moves by lr · g / (|g| + eps) ≈ lr whatever the gradient's scale.
        let q: Tensor<Double> = parameter([0, 0])
        let first = try Adam(parameters: [q])
        setGradient(q, [1e-3, -50])
        first.step()
        expectClose(q, [-1e-3 * 1e-3 / (1e-3 + 1e-8), 1e-3 * 50 / (50 + 1e-8)], "Adam first step")
    }

    // MARK: kernels against a serial reference

    /// Large enough for the fused kernels to split across threads: the parallel update must
    /// equal, bit for bit, a plain serial loop doing the same arithmetic in the same order.
    func parallelMatchesSerial<S: TensorScalar>(_: S.Type) throws {
        let n = 50_003
        var generator = RandomGenerator(seed: 7)
        let initial = Tensor<S>(randomNormal: [n], generator: &generator)
        let gradients = (0..<3).map { _ in Tensor<S>(randomNormal: [n], generator: &generator) }

        let pSGD = initial.copy(), pAdam = initial.copy()
        let sgd = try SGD(parameters: [pSGD], learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4)
        let adam = try AdamW(parameters: [pAdam], learningRate: 0.01, weightDecay: 0.1)
        for g in gradients {
            pSGD.grad = g
            sgd.step()
            pAdam.grad = g
            adam.step()
        }

        var ps = initial.scalars, buf = [S](repeating: 0, count: n)
        let (lr, mom, wd, oneMinusDampening) = (S(0.05), S(0.9), S(1e-4), S(1))
        for (t, g) in gradients.enumerated() {
            let gs = g.scalars
            for i in 0..<n {
                let d = gs[i] + wd * ps[i]
                buf[i] = t == 0 ? d : mom * buf[i] + oneMinusDampening * d
                ps[i] = ps[i] - lr * (d + mom * buf[i])
            }
        }
        #expect(mismatches(bits(pSGD), ps.map { Double($0).bitPattern }) == 0, "SGD \(S.dtypeName)")

        var pa = initial.scalars, m = [S](repeating: 0, count: n), v = [S](repeating: 0, count: n)
        for (t, g) in gradients.enumerated() {
            let step = Double(t + 1)
            let stepSize = S(0.01 / (1 - Foundation.pow(0.9, step)))
            let correction2 = S((1 - Foundation.pow(0.999, step)).squareRoot())
            let scale = S(1 - 0.01 * 0.1), b1 = S(0.9), b2 = S(0.999), c1 = S(1 - 0.9), c2 = S(1 - 0.999), eps = S(1e-8)
            let gs = g.scalars
            for i in 0..<n {
                let decayed = pa[i] * scale
                m[i] = b1 * m[i] + c1 * gs[i]
                v[i] = b2 * v[i] + c2 * (gs[i] * gs[i])
                let denom = v[i].squareRoot() / correction2 + eps
                pa[i] = decayed - stepSize * (m[i] / denom)
            }
        }
        #expect(mismatches(bits(pAdam), pa.map { Double($0).bitPattern }) == 0, "AdamW \(S.dtypeName)")
    }

    /// Count of differing elements (a plain count: printing 50,000-element arrays is slow).
    func mismatches(_ a: [UInt64], _ b: [UInt64]) -> Int {
        a.count != b.count ? Swift.max(a.count, b.count) : zip(a, b).filter { $0 != $1 }.count
    }

    @Test func parallelKernelsMatchSerialReference() throws {
        try parallelMatchesSerial(Double.self)
        try parallelMatchesSerial(Float.self)
    }

    // MARK: argument checks

    @Test func invalidArgumentsAreRejectedWithTheirValues() throws {
        let p: Tensor<Float> = parameter([1])
        let cases: [(String, () throws -> Void)] = [
            ("-0.1", { _ = try SGD(parameters: [p], learningRate: -0.1) }),
            ("nan", { _ = try SGD(parameters: [p], learningRate: .nan) }),
            ("momentum must be in [0, 1), got 1.0", { _ = try SGD(parameters: [p], learningRate: 0.1, momentum: 1) }),
            ("momentum must be in [0, 1), got -0.5", { _ = try SGD(parameters: [p], learningRate: 0.1, momentum: -0.5) }),
            ("dampening", { _ = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, dampening: 1.5) }),
            ("Nesterov", { _ = try SGD(parameters: [p], learningRate: 0.1, nesterov: true) }),
            ("Nesterov", { _ = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true) }),
            ("weightDecay", { _ = try SGD(parameters: [p], learningRate: 0.1, weightDecay: -1) }),
            ("empty parameter list", { _ = try SGD<Float>(parameters: [], learningRate: 0.1) }),
            ("shares its storage", { _ = try SGD(parameters: [p, p], learningRate: 0.1) }),
            ("beta1 must be in [0, 1), got 1.0", { _ = try Adam(parameters: [p], beta1: 1) }),
            ("beta2 must be in [0, 1), got -0.1", { _ = try Adam(parameters: [p], beta2: -0.1) }),
            ("epsilon", { _ = try Adam(parameters: [p], epsilon: 0) }),
            ("AdamW: weightDecay", { _ = try AdamW(parameters: [p], weightDecay: -0.01) }),
            ("AdamW: learningRate", { _ = try AdamW(parameters: [p], learningRate: .infinity) }),
        ]
        for (expected, make) in cases {
            let message = thrownMessage(make)
            #expect(message.contains("invalid argument") && message.contains(expected), "expected '\(expected)' in '\(message)'")
        }
        // Valid edge values are accepted.
        _ = try SGD(parameters: [p], learningRate: 0, momentum: 0, dampening: 1)
        _ = try Adam(parameters: [p], beta1: 0, beta2: 0)
    }

    @Test func sharedStorageCountsAsRepeatedParameter() {
        let p: Tensor<Double> = parameter([1, 2])
        let alias = Tensor<Double>(shape: [2], storage: p.storage, requiresGrad: true)
        let message = thrownMessage { _ = try SGD(parameters: [p, alias], learningRate: 0.1) }
        #expect(message.contains("parameter 1") && message.contains("parameter 0"), "\(message)")
    }

    @Test func zeroGradDropsGradients() throws {
        let a: Tensor<Float> = parameter([1]), b: Tensor<Float> = parameter([2])
        setGradient(a, [1])
        setGradient(b, [1])
        let adam = try Adam(parameters: [a, b])
        adam.zeroGrad()
        #expect(a.grad == nil && b.grad == nil)
        adam.step()  // nothing to apply
        #expect(a.scalars == [1] && b.scalars == [2])
    }
}


/// Programming errors that stop the program (checked in a child process).
@Suite struct OptimizerPreconditionTests {
    @Test func negativeLearningRateFromASetterStops() async {
        await #expect(processExitsWith: .failure) {
            let p = Tensor<Float>(zeros: [1], requiresGrad: true)
            let sgd = try SGD(parameters: [p], learningRate: 0.1)
            sgd.learningRate = -1
        }
    }

    @Test func gradientOfTheWrongShapeStops() async {
        await #expect(processExitsWith: .failure) {
            let p = Tensor<Float>(zeros: [2], requiresGrad: true)
            p.grad = Tensor<Float>(zeros: [3])
            let adam = try Adam(parameters: [p])
            adam.step()
        }
    }

    @Test func nonPositiveMaxNormStops() async {
        await #expect(processExitsWith: .failure) {
            let p = Tensor<Double>(zeros: [2], requiresGrad: true)
            p.grad = Tensor<Double>(ones: [2])
            clipGradientNorm([p], maxNorm: 0)
        }
    }
}
