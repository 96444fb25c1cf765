import Autodiff

/// The paper's schedule: the learning rate is multiplied by `gamma` every `stepSize` epochs.
/// Epochs count from 1 here (as the loop and its messages do); Autodiff's `StepDecay`, which
/// computes the value, counts from 0.
public struct StepSchedule: Equatable, Sendable {
    public var baseLearningRate: Double
    public var stepSize: Int
    public var gamma: Double

    public init(baseLearningRate: Double, stepSize: Int = 10, gamma: Double = 0.1) {
        precondition(stepSize > 0, "StepSchedule: stepSize must be positive, got \(stepSize)")
        precondition(gamma > 0 && gamma.isFinite, "StepSchedule: gamma must be positive, got \(gamma)")
        self.baseLearningRate = baseLearningRate
        self.stepSize = stepSize
        self.gamma = gamma
    }

    /// The rate for 1-based `epoch`: epochs 1…10 use the base rate, 11…20 base·γ, …
    public func learningRate(epoch: Int) -> Double {
        // Arguments were checked in init, so StepDecay cannot throw here.
        let decay = try! StepDecay(stepSize: stepSize, gamma: gamma)
        return decay.learningRate(epoch: epoch - 1, baseLearningRate: baseLearningRate)
    }
}
