/// Adam (Kingma & Ba) with PyTorch's `torch.optim.Adam` rule, including its coupled L2 weight
/// decay. For each parameter p with gradient g, at its t-th update (t = 1, 2, …):
///
///     g = g + weightDecay · p
///     m = beta1 · m + (1 − beta1) · g
///     v = beta2 · v + (1 − beta2) · g²
///     p = p − (learningRate / (1 − beta1ᵗ)) · m / (√v / √(1 − beta2ᵗ) + epsilon)
///
/// (epsilon is added after the square root and the bias correction, as in PyTorch.)
/// State dict: "step_count", "learning_rate", and per parameter i "step.i", "exp_avg.i" (m),
/// "exp_avg_sq.i" (v).
public final class Adam<Scalar: TensorScalar>: Optimizer {
    private let update: AdamUpdate<Scalar>
    public var parameters: [Tensor<Scalar>] { update.parameters }
    public var learningRate: Double {
        didSet { OptimizerArguments.preconditionLearningRate(learningRate, owner: "Adam") }
    }
    public var beta1: Double { update.beta1 }
    public var beta2: Double { update.beta2 }
    public var epsilon: Double { update.epsilon }
    public var weightDecay: Double { update.weightDecay }
    public var stepCount: Int { update.stepCount }

    /// Throws `OptimizerError.invalidArgument` for a negative or non-finite learning rate or
    /// weight decay, betas outside [0, 1), epsilon <= 0, and an empty or repeated parameter list.
    public init(parameters: [Tensor<Scalar>], learningRate: Double = 1e-3, beta1: Double = 0.9,
                beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0) throws {
        update = try AdamUpdate(owner: "Adam", parameters: parameters, learningRate: learningRate, beta1: beta1,
                                beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: false)
        self.learningRate = learningRate
    }

    public func step() { update.step(learningRate: learningRate) }

    public func stateDict() -> [String: Tensor<Scalar>] { update.stateDict(learningRate: learningRate) }

    public func loadStateDict(_ state: [String: Tensor<Scalar>]) throws {
        learningRate = try update.loadStateDict(state)
    }
}
