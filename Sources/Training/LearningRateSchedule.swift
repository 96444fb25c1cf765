/// The paper's schedule: the learning rate is multiplied by `gamma` every `stepSize` epochs.
public struct StepSchedule: Equatable, Sendable {
    public var baseLearningRate: Double
    public var stepSize: Int
    public var gamma: Double

    public init(baseLearningRate: Double, stepSize: Int = 10, gamma: Double = 0.1) {
        precondition(stepSize > 0, "StepSchedule: stepSize must be positive, got \(stepSize)")
        self.baseLearningRate = baseLearningRate
        self.stepSize = stepSize
        self.gamma = gamma
    }

    /// The rate for 1-based `epoch`: epochs 1…10 use the base rate, 11…20 base·γ, …
    public func learningRate(epoch: Int) -> Double {
        var rate = baseLearningRate
        for _ in 0..<((epoch - 1) / stepSize) { rate *= gamma }
        return rate
    }
}
