/// Updates parameters from their gradients. Every optimiser follows `torch.optim`'s update
/// rule for the same name and options (see Documentation/Optimizers.md), applies it in place
/// in one fused C kernel per parameter (not recorded on the graph), and can save and restore
/// everything it keeps between steps, so that a killed run resumes bit-identically.
public protocol Optimizer<Scalar>: AnyObject {
    associatedtype Scalar: TensorScalar
    /// The tensors this optimiser updates, in the order the state dict numbers them.
    var parameters: [Tensor<Scalar>] { get }
    /// The learning rate of the next `step()`; a schedule sets it (see `LearningRateSchedule`).
    var learningRate: Double { get set }
    /// Number of steps taken (restored with the state).
    var stepCount: Int { get }
    /// Applies one update from each parameter's `grad` (parameters without grad are skipped),
    /// in place, not recorded.
    func step()
    /// Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`).
    func zeroGrad()
    /// Everything needed to resume exactly: per-parameter tensors ("momentum_buffer.3",
    /// "exp_avg.0", "step.0") plus "step_count" and "learning_rate". Copies: later steps do not
    /// change a dict already taken.
    func stateDict() -> [String: Tensor<Scalar>]
    /// Restores a state from `stateDict()`, copying its values. Checks everything first and
    /// throws `OptimizerError.invalidState` naming every missing or unexpected key and every
    /// shape mismatch; on error the optimiser is left unchanged.
    func loadStateDict(_ state: [String: Tensor<Scalar>]) throws
}

extension Optimizer {
    public func zeroGrad() {
        for parameter in parameters { parameter.grad = nil }
    }

    /// Sets `learningRate` to `schedule`'s value at `epoch` and returns it.
    @discardableResult
    public func applySchedule(_ schedule: some LearningRateSchedule, epoch: Int, baseLearningRate: Double) -> Double {
        learningRate = schedule.learningRate(epoch: epoch, baseLearningRate: baseLearningRate)
        return learningRate
    }
}

/// A bad optimiser or schedule configuration, or a state dict that does not fit.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    /// A constructor argument out of range; the message names the class, argument and value.
    case invalidArgument(String)
    /// `loadStateDict` found missing or unexpected keys, or tensors of the wrong shape.
    case invalidState(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return "invalid argument: \(message)"
        case .invalidState(let message): return "invalid optimizer state: \(message)"
        }
    }
}

/// Argument checks shared by the optimisers and schedules.
enum OptimizerArguments {
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw OptimizerError.invalidArgument(message()) }
    }

    static func checkLearningRate(_ value: Double, owner: String) throws {
        try require(value.isFinite && value >= 0, "\(owner): learningRate must be a finite number >= 0, got \(value)")
    }

    static func checkWeightDecay(_ value: Double, owner: String) throws {
        try require(value.isFinite && value >= 0, "\(owner): weightDecay must be a finite number >= 0, got \(value)")
    }

    /// At least one parameter, each one once: a tensor listed twice (or two tensors sharing
    /// storage) would be updated twice per step.
    static func checkParameters<S>(_ parameters: [Tensor<S>], owner: String) throws {
        try require(!parameters.isEmpty, "\(owner): got an empty parameter list")
        var seen: [ObjectIdentifier: Int] = [:]
        for (index, parameter) in parameters.enumerated() {
            let key = ObjectIdentifier(parameter.storage)
            if let first = seen[key] {
                throw OptimizerError.invalidArgument(
                    "\(owner): \(describeParameter(index, parameter)) shares its storage with \(describeParameter(first, parameters[first])); list each parameter once")
            }
            seen[key] = index
        }
    }

    /// The learning-rate setter's check: a schedule bug must not silently train with a bad rate.
    static func preconditionLearningRate(_ value: Double, owner: String) {
        precondition(value.isFinite && value >= 0, "\(owner): learningRate must be a finite number >= 0, got \(value)")
    }
}

/// "parameter 3 ('conv1.weight', shape [64, 3, 7, 7])", for messages.
func describeParameter<S>(_ index: Int, _ tensor: Tensor<S>) -> String {
    let name = tensor.name.map { "'\($0)', " } ?? ""
    return "parameter \(index) (\(name)shape \(shapeString(tensor.shape)))"
}

extension Tensor {
    /// The gradient an optimiser applies, checked against the parameter's shape.
    func gradientForUpdate(index: Int, owner: String) -> Tensor? {
        guard let grad else { return nil }
        precondition(grad.shape == shape,
                     "\(owner).step: \(describeParameter(index, self)) has a gradient of shape \(shapeString(grad.shape))")
        return grad
    }
}
