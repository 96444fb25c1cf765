/// Adam with decoupled weight decay (Loshchilov & Hutter), PyTorch's `torch.optim.AdamW` rule:
/// the parameter shrinks by the factor 1 − learningRate · weightDecay, then takes the plain Adam
/// step (the decay never enters m or v). For each parameter p with gradient g, at its t-th update:
///
///     p = p · (1 − learningRate · weightDecay)
///     m = beta1 · m + (1 − beta1) · g
///     v = beta2 · v + (1 − beta2) · g²
///     p = p − (learningRate / (1 − beta1ᵗ)) · m / (√v / √(1 − beta2ᵗ) + epsilon)
///
/// State dict: the same keys as `Adam`.
public final class AdamW<Scalar: TensorScalar>: Optimizer {
    private let update: AdamUpdate<Scalar>
    public var parameters: [Tensor<Scalar>] { update.parameters }
    public var learningRate: Double {
        didSet { OptimizerArguments.preconditionLearningRate(learningRate, owner: "AdamW") }
    }
    public var beta1: Double { update.beta1 }
    public var beta2: Double { update.beta2 }
    public var epsilon: Double { update.epsilon }
    public var weightDecay: Double { update.weightDecay }
    public var stepCount: Int { update.stepCount }

    /// Throws `OptimizerError.invalidArgument` for a negative or non-finite learning rate or
    /// weight decay, betas outside [0, 1), epsilon <= 0, and an empty or repeated parameter list.
    public init(parameters: [Tensor<Scalar>], learningRate: Double = 1e-3, beta1: Double = 0.9,
                beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 1e-2) throws {
        update = try AdamUpdate(owner: "AdamW", parameters: parameters, learningRate: learningRate, beta1: beta1,
                                beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
        self.learningRate = learningRate
    }

    public func step() { update.step(learningRate: learningRate) }

    public func stateDict() -> [String: Tensor<Scalar>] { update.stateDict(learningRate: learningRate) }

    public func loadStateDict(_ state: [String: Tensor<Scalar>]) throws {
        learningRate = try update.loadStateDict(state)
    }
}
