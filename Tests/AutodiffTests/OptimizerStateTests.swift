import Autodiff
import Testing

/// Saving and restoring optimiser state: a run stopped after 3 steps and resumed from its
/// state dict (with a new optimiser over copies of the parameters) must end bit-identical to
/// the run that took all 6 steps at once; bad dicts are refused with every problem named.
@Suite struct OptimizerStateTests {
    typealias Factory<S: TensorScalar> = ([Tensor<S>]) throws -> any Optimizer<S>

    /// The parameters of the resume scenario: least-squares weights and bias, a parameter that
    /// only gets a gradient on even steps (so per-parameter counts matter), one that never does.
    struct Model<S: TensorScalar> {
        let weights: Tensor<S>, bias: Tensor<S>, sometimes: Tensor<S>, unused: Tensor<S>
        var all: [Tensor<S>] { [weights, bias, sometimes, unused] }

        init(problem: LeastSquares<S>) {
            (weights, bias) = problem.initialParameters()
            sometimes = Tensor(shape: [2], scalars: [0.5, -1], requiresGrad: true)
            unused = Tensor(shape: [4], scalars: [1, 2, 3, 4], requiresGrad: true)
        }

        /// Copies of the given tensors as fresh leaves (what loading a model checkpoint gives).
        init(copying other: Model<S>) {
            func leaf(_ t: Tensor<S>) -> Tensor<S> {
                let c = t.copy()
                c.requiresGrad = true
                return c
            }
            weights = leaf(other.weights); bias = leaf(other.bias)
            sometimes = leaf(other.sometimes); unused = leaf(other.unused)
        }
    }

    /// Global steps `range` of the scenario, the learning rate following a schedule per step.
    func train<S: TensorScalar>(_ optimizer: any Optimizer<S>, _ model: Model<S>, _ problem: LeastSquares<S>,
                                steps range: Range<Int>) throws {
        let schedule = try ExponentialDecay(gamma: 0.9)
        for step in range {
            optimizer.zeroGrad()
            optimizer.applySchedule(schedule, epoch: step, baseLearningRate: 0.05)
            var loss = problem.loss(weights: model.weights, bias: model.bias)
            if step % 2 == 0 { loss = loss + (model.sometimes * model.sometimes).sum() * S(0.1) }
            loss.backward()
            clipGradientNorm(model.all, maxNorm: 5)
            optimizer.step()
        }
    }

    /// Whether straight and resumed runs end with identical parameter and state bits.
    func resumeIsBitIdentical<S: TensorScalar>(_: S.Type, loadState: Bool = true, _ make: Factory<S>) throws -> Bool {
        let problem = LeastSquares<S>(seed: 11)

        let straight = Model(problem: problem)
        let straightOptimizer = try make(straight.all)
        try train(straightOptimizer, straight, problem, steps: 0..<6)

        let first = Model(problem: problem)
        let firstOptimizer = try make(first.all)
        try train(firstOptimizer, first, problem, steps: 0..<3)
        let saved = firstOptimizer.stateDict()
        #expect(firstOptimizer.stepCount == 3)

        let resumed = Model(copying: first)
        let resumedOptimizer = try make(resumed.all)
        if loadState {
            try resumedOptimizer.loadStateDict(saved)
            #expect(resumedOptimizer.stepCount == 3)
            #expect(resumedOptimizer.learningRate == firstOptimizer.learningRate)
        }
        try train(resumedOptimizer, resumed, problem, steps: 3..<6)

        let parametersMatch = zip(straight.all, resumed.all).allSatisfy { bits($0) == bits($1) }
        let a = straightOptimizer.stateDict(), b = resumedOptimizer.stateDict()
        let statesMatch = a.keys.sorted() == b.keys.sorted() && a.keys.allSatisfy { bits(a[$0]!) == bits(b[$0]!) }
        return parametersMatch && statesMatch
    }

    func factories<S: TensorScalar>(_: S.Type) -> [(String, Factory<S>)] {
        [
            ("SGD", { try SGD(parameters: $0, learningRate: 0.05) }),
            ("SGD momentum, dampening, decay", { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 1e-3) }),
            ("SGD Nesterov", { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, nesterov: true) }),
            ("Adam with L2", { try Adam(parameters: $0, learningRate: 0.05, weightDecay: 1e-3) }),
            ("AdamW", { try AdamW(parameters: $0, learningRate: 0.05) }),
        ]
    }

    func resumeAll<S: TensorScalar>(_: S.Type) throws {
        for (name, make) in factories(S.self) {
            #expect(try resumeIsBitIdentical(S.self, make), "\(name) \(S.dtypeName): resumed run differs from the straight run")
        }
        // The comparison has teeth: resuming without the state (fresh moments, step counts
        // restarting at 1) ends somewhere else.
        for (name, make) in factories(S.self) where name != "SGD" {
            #expect(try !resumeIsBitIdentical(S.self, loadState: false, make), "\(name) \(S.dtypeName): state made no difference")
        }
    }

    @Test func resumeAfterThreeStepsIsBitIdentical() throws {
        try resumeAll(Double.self)
        try resumeAll(Float.self)
    }

    @Test func stateDictKeys() throws {
        let a: Tensor<Float> = parameter([1, 2]), b: Tensor<Float> = parameter([3])
        let sgd = try SGD(parameters: [a, b], learningRate: 0.1, momentum: 0.9)
        #expect(Set(sgd.stateDict().keys) == ["step_count", "learning_rate", "step.0", "step.1", "momentum_buffer.0", "momentum_buffer.1"])
        let plain = try SGD(parameters: [a, b], learningRate: 0.1)
        #expect(Set(plain.stateDict().keys) == ["step_count", "learning_rate", "step.0", "step.1"])
        let adam = try AdamW(parameters: [a, b])
        #expect(Set(adam.stateDict().keys) == ["step_count", "learning_rate", "step.0", "step.1", "exp_avg.0", "exp_avg.1", "exp_avg_sq.0", "exp_avg_sq.1"])
        #expect(adam.stateDict()["exp_avg_sq.0"]?.shape == [2])
    }

    @Test func stateDictAndLoadCopyValues() throws {
        let p: Tensor<Double> = parameter([1])
        let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        setGradient(p, [1])
        sgd.step()
        let saved = sgd.stateDict()
        #expect(saved["momentum_buffer.0"]!.scalars == [1])
        setGradient(p, [2])
        sgd.step()
        // The dict taken before the second step still holds buf = 1 (now 0.9 + 2 inside).
        #expect(saved["momentum_buffer.0"]!.scalars == [1])
        try sgd.loadStateDict(saved)
        saved["momentum_buffer.0"]!.fill(42)
        #expect(sgd.stateDict()["momentum_buffer.0"]!.scalars == [1])
        #expect(sgd.stepCount == 1)
    }

    /// A Float32 dict holds counters and the learning rate exactly (1e-4 is not a Float).
    @Test func scalarsRoundTripExactlyInFloat32() throws {
        let p: Tensor<Float> = parameter([1])
        let adam = try Adam(parameters: [p], learningRate: 1e-4)
        let restored = try Adam(parameters: [p], learningRate: 0.5)
        try restored.loadStateDict(adam.stateDict())
        #expect(restored.learningRate == 1e-4)
        // A step count beyond Float's 2^24 integers, written as four 16-bit chunks.
        var state = adam.stateDict()
        let huge = (1 << 40) + 3
        state["step_count"] = Tensor(shape: [4], scalars: [0, 256, 0, 3])
        try restored.loadStateDict(state)
        #expect(restored.stepCount == huge)
        #expect(state["learning_rate"]!.shape == [4])
    }

    @Test func missingUnexpectedAndMisshapenKeysAreAllNamed() throws {
        let w = Tensor<Float>(zeros: [3, 1], requiresGrad: true)
        w.name = "fc.weight"
        let b: Tensor<Float> = parameter([0])
        let adam = try Adam(parameters: [w, b])
        var state = adam.stateDict()
        state["exp_avg.1"] = nil
        state["exp_avg_sq.0"] = Tensor(zeros: [3])
        state["momentum_buffer.0"] = Tensor(zeros: [3, 1])
        let message = thrownMessage { try adam.loadStateDict(state) }
        #expect(message.contains("Adam.loadStateDict"), "\(message)")
        #expect(message.contains("missing key 'exp_avg.1'"), "\(message)")
        #expect(message.contains("'exp_avg_sq.0' has shape [3], expected [3, 1] for parameter 0 ('fc.weight'"), "\(message)")
        #expect(message.contains("unexpected key 'momentum_buffer.0'"), "\(message)")
    }

    @Test func anotherOptimizersStateIsRefused() throws {
        let p: Tensor<Double> = parameter([1, 2])
        let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        let adam = try Adam(parameters: [p])
        let message = thrownMessage { try adam.loadStateDict(sgd.stateDict()) }
        #expect(message.contains("missing key 'exp_avg.0'") && message.contains("unexpected key 'momentum_buffer.0'"), "\(message)")
        // A state for more parameters than the optimiser has names the extra ones.
        let q: Tensor<Double> = parameter([3])
        let twoParameters = try SGD(parameters: [p, q], learningRate: 0.1)
        let oneParameter = try SGD(parameters: [p], learningRate: 0.1)
        let extra = thrownMessage { try oneParameter.loadStateDict(twoParameters.stateDict()) }
        #expect(extra.contains("unexpected key 'step.1'"), "\(extra)")
    }

    @Test func failedLoadLeavesTheOptimizerUnchanged() throws {
        let p: Tensor<Double> = parameter([1])
        let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        setGradient(p, [1])
        sgd.step()
        let before = sgd.stateDict()
        var bad = before
        bad["step_count"] = Tensor(shape: [4], scalars: [0, 0, 0, 0.5])
        bad["learning_rate"] = Tensor(shape: [4], scalars: [0, 0, 0, 7])
        bad["momentum_buffer.0"] = Tensor(repeating: 9, shape: [1])
        bad["step.0"] = nil
        let message = thrownMessage { try sgd.loadStateDict(bad) }
        #expect(message.contains("'step_count' is not an exactly encoded integer"), "\(message)")
        #expect(message.contains("missing key 'step.0'"), "\(message)")
        let after = sgd.stateDict()
        #expect(after.keys.allSatisfy { bits(after[$0]!) == bits(before[$0]!) })
        #expect(sgd.stepCount == 1 && sgd.learningRate == 0.1)
    }
}
