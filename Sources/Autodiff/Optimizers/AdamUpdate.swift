import CKernels

/// The state and update shared by `Adam` (L2 penalty in the gradient) and `AdamW` (decoupled
/// weight decay): first and second moment estimates and a step count per parameter.
final class AdamUpdate<Scalar: TensorScalar> {
    let owner: String
    let parameters: [Tensor<Scalar>]
    let beta1, beta2, epsilon, weightDecay: Double
    let decoupled: Bool
    var stepCount = 0
    /// Updates each parameter has received; its bias corrections use this count, so a
    /// parameter that had no gradient on some steps is corrected as PyTorch corrects it.
    var parameterSteps: [Int]
    let exponentialAverages: [Tensor<Scalar>]
    let exponentialSquareAverages: [Tensor<Scalar>]

    init(owner: String, parameters: [Tensor<Scalar>], learningRate: Double, beta1: Double, beta2: Double,
         epsilon: Double, weightDecay: Double, decoupled: Bool) throws {
        try OptimizerArguments.checkParameters(parameters, owner: owner)
        try OptimizerArguments.checkLearningRate(learningRate, owner: owner)
        try OptimizerArguments.require(beta1 >= 0 && beta1 < 1, "\(owner): beta1 must be in [0, 1), got \(beta1)")
        try OptimizerArguments.require(beta2 >= 0 && beta2 < 1, "\(owner): beta2 must be in [0, 1), got \(beta2)")
        try OptimizerArguments.require(epsilon.isFinite && epsilon > 0,
                                       "\(owner): epsilon must be a finite number > 0 (it keeps the denominator away from zero), got \(epsilon)")
        try OptimizerArguments.checkWeightDecay(weightDecay, owner: owner)
        self.owner = owner
        self.parameters = parameters
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        parameterSteps = Array(repeating: 0, count: parameters.count)
        exponentialAverages = parameters.map { Tensor(zeros: $0.shape) }
        exponentialSquareAverages = parameters.map { Tensor(zeros: $0.shape) }
    }

    func step(learningRate: Double) {
        var hyper = ck_adam_hyper(learning_rate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                                  weight_decay: weightDecay, decoupled: decoupled ? 1 : 0)
        for (i, parameter) in parameters.enumerated() {
            guard let grad = parameter.gradientForUpdate(index: i, owner: owner) else { continue }
            parameterSteps[i] += 1
            let m = exponentialAverages[i].data, v = exponentialSquareAverages[i].data
            Scalar.kernelAdamStep(parameter.count, parameter.data, grad.data, m, v, &hyper, parameterSteps[i])
        }
        stepCount += 1
    }

    func stateDict(learningRate: Double) -> [String: Tensor<Scalar>] {
        var writer = StateDictWriter<Scalar>()
        writer.put("step_count", integer: stepCount)
        writer.put("learning_rate", double: learningRate)
        for i in parameters.indices {
            writer.put("step.\(i)", integer: parameterSteps[i])
            writer.put("exp_avg.\(i)", copyOf: exponentialAverages[i])
            writer.put("exp_avg_sq.\(i)", copyOf: exponentialSquareAverages[i])
        }
        return writer.dict
    }

    /// Validates and applies `state`; returns the saved learning rate for the owner to set.
    func loadStateDict(_ state: [String: Tensor<Scalar>]) throws -> Double {
        var reader = StateDictReader(state, owner: owner)
        let count = reader.integer("step_count")
        let rate = reader.double("learning_rate", isValid: { $0.isFinite && $0 >= 0 }, expected: "a finite number >= 0")
        var steps: [Int?] = [], averages: [Tensor<Scalar>?] = [], squares: [Tensor<Scalar>?] = []
        for (i, parameter) in parameters.enumerated() {
            let what = describeParameter(i, parameter)
            steps.append(reader.integer("step.\(i)"))
            averages.append(reader.tensor("exp_avg.\(i)", shape: parameter.shape, for: what))
            squares.append(reader.tensor("exp_avg_sq.\(i)", shape: parameter.shape, for: what))
        }
        try reader.finish()
        // finish() threw if anything was missing, so every optional below holds a value.
        stepCount = count!
        parameterSteps = steps.map { $0! }
        for (mine, saved) in zip(exponentialAverages, averages) { mine.assign(saved!) }
        for (mine, saved) in zip(exponentialSquareAverages, squares) { mine.assign(saved!) }
        return rate!
    }
}
