import CKernels

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay:
/// `torch.optim.SGD`'s rule exactly. For each parameter p with gradient g:
///
///     d = g + weightDecay · p
///     if momentum ≠ 0:
///         buf = d                                         on this parameter's first update
///         buf = momentum · buf + (1 − dampening) · d      afterwards
///         d   = nesterov ? d + momentum · buf : buf
///     p = p − learningRate · d
///
/// State dict: "step_count", "learning_rate", and per parameter i "step.i" (its number of
/// updates) and, with momentum, "momentum_buffer.i".
public final class SGD<Scalar: TensorScalar>: Optimizer {
    public let parameters: [Tensor<Scalar>]
    public var learningRate: Double {
        didSet { OptimizerArguments.preconditionLearningRate(learningRate, owner: "SGD") }
    }
    public let momentum: Double
    public let dampening: Double
    public let nesterov: Bool
    public let weightDecay: Double
    public private(set) var stepCount = 0
    /// Updates each parameter has received (0: its momentum buffer is not initialised yet).
    private var parameterSteps: [Int]
    /// One per parameter when momentum ≠ 0, else empty.
    private let momentumBuffers: [Tensor<Scalar>]

    /// Throws `OptimizerError.invalidArgument` for a negative or non-finite learning rate or
    /// weight decay, momentum outside [0, 1), dampening outside [0, 1], Nesterov without
    /// momentum or with dampening (as PyTorch), and an empty or repeated parameter list.
    public init(parameters: [Tensor<Scalar>], learningRate: Double, momentum: Double = 0,
                dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) throws {
        try OptimizerArguments.checkParameters(parameters, owner: "SGD")
        try OptimizerArguments.checkLearningRate(learningRate, owner: "SGD")
        try OptimizerArguments.require(momentum >= 0 && momentum < 1, "SGD: momentum must be in [0, 1), got \(momentum)")
        try OptimizerArguments.require(dampening >= 0 && dampening <= 1, "SGD: dampening must be in [0, 1], got \(dampening)")
        try OptimizerArguments.require(!nesterov || (momentum > 0 && dampening == 0),
                                       "SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum \(momentum), dampening \(dampening)")
        try OptimizerArguments.checkWeightDecay(weightDecay, owner: "SGD")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        parameterSteps = Array(repeating: 0, count: parameters.count)
        momentumBuffers = momentum == 0 ? [] : parameters.map { Tensor(zeros: $0.shape) }
    }

    public func step() {
        var hyper = ck_sgd_hyper(learning_rate: learningRate, momentum: momentum, dampening: dampening,
                                 weight_decay: weightDecay, nesterov: nesterov ? 1 : 0)
        for (i, parameter) in parameters.enumerated() {
            guard let grad = parameter.gradientForUpdate(index: i, owner: "SGD") else { continue }
            let first: Int32 = parameterSteps[i] == 0 ? 1 : 0
            let buffer = momentumBuffers.isEmpty ? nil : momentumBuffers[i].data
            Scalar.kernelSGDStep(parameter.count, parameter.data, grad.data, buffer, &hyper, first)
            parameterSteps[i] += 1
        }
        stepCount += 1
    }

    public func stateDict() -> [String: Tensor<Scalar>] {
        var writer = StateDictWriter<Scalar>()
        writer.put("step_count", integer: stepCount)
        writer.put("learning_rate", double: learningRate)
        for i in parameters.indices {
            writer.put("step.\(i)", integer: parameterSteps[i])
            if !momentumBuffers.isEmpty { writer.put("momentum_buffer.\(i)", copyOf: momentumBuffers[i]) }
        }
        return writer.dict
    }

    public func loadStateDict(_ state: [String: Tensor<Scalar>]) throws {
        var reader = StateDictReader(state, owner: "SGD")
        let count = reader.integer("step_count")
        let rate = reader.double("learning_rate", isValid: { $0.isFinite && $0 >= 0 }, expected: "a finite number >= 0")
        var steps: [Int?] = []
        var buffers: [Tensor<Scalar>?] = []
        for (i, parameter) in parameters.enumerated() {
            steps.append(reader.integer("step.\(i)"))
            if !momentumBuffers.isEmpty {
                buffers.append(reader.tensor("momentum_buffer.\(i)", shape: parameter.shape, for: describeParameter(i, parameter)))
            }
        }
        try reader.finish()
        // finish() threw if anything was missing, so every optional below holds a value.
        stepCount = count!
        learningRate = rate!
        parameterSteps = steps.map { $0! }
        for (buffer, saved) in zip(momentumBuffers, buffers) { buffer.assign(saved!) }
    }
}
