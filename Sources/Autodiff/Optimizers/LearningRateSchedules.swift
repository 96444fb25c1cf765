import Foundation

/// A learning rate as a pure function of the epoch: the rate to use *during* epoch `epoch`
/// (0 for the first), given the base rate. Being stateless, a schedule needs nothing saved to
/// resume: a resumed run asks for the rate of the epoch it continues with.
///
/// The values equal PyTorch's closed forms (`StepLR`, `ExponentialLR`, `CosineAnnealingLR`)
/// after `epoch` calls of `scheduler.step()`. To schedule per iteration instead, pass the
/// iteration index as `epoch` and give the sizes in iterations.
public protocol LearningRateSchedule {
    func learningRate(epoch: Int, baseLearningRate: Double) -> Double
}

/// The base rate throughout.
public struct ConstantLearningRate: LearningRateSchedule {
    public init() {}

    public func learningRate(epoch: Int, baseLearningRate: Double) -> Double {
        precondition(epoch >= 0, "ConstantLearningRate: epoch must be >= 0, got \(epoch)")
        return baseLearningRate
    }
}

/// base · gamma^⌊epoch / stepSize⌋: the paper's "×0.1 every 10 epochs" is
/// `StepDecay(stepSize: 10, gamma: 0.1)` (PyTorch's `StepLR`).
public struct StepDecay: LearningRateSchedule {
    public let stepSize: Int
    public let gamma: Double

    public init(stepSize: Int, gamma: Double) throws {
        try OptimizerArguments.require(stepSize >= 1, "StepDecay: stepSize must be >= 1 epoch, got \(stepSize)")
        try OptimizerArguments.require(gamma.isFinite && gamma > 0, "StepDecay: gamma must be a finite number > 0, got \(gamma)")
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func learningRate(epoch: Int, baseLearningRate: Double) -> Double {
        precondition(epoch >= 0, "StepDecay: epoch must be >= 0, got \(epoch)")
        return baseLearningRate * pow(gamma, Double(epoch / stepSize))
    }
}

/// base · gamma^epoch (PyTorch's `ExponentialLR`).
public struct ExponentialDecay: LearningRateSchedule {
    public let gamma: Double

    public init(gamma: Double) throws {
        try OptimizerArguments.require(gamma.isFinite && gamma > 0, "ExponentialDecay: gamma must be a finite number > 0, got \(gamma)")
        self.gamma = gamma
    }

    public func learningRate(epoch: Int, baseLearningRate: Double) -> Double {
        precondition(epoch >= 0, "ExponentialDecay: epoch must be >= 0, got \(epoch)")
        return baseLearningRate * pow(gamma, Double(epoch))
    }
}

/// Half a cosine from the base rate down to `minimum` over `totalEpochs` epochs, optionally
/// after a linear warm-up:
///
///     epoch < w:            base · (epoch + 1) / (w + 1)              (w = warmupEpochs)
///     w <= epoch < total:   minimum + (base − minimum) · (1 + cos(π · (epoch − w) / (total − w))) / 2
///     epoch >= total:       minimum
///
/// Without warm-up this is PyTorch's `CosineAnnealingLR(T_max: totalEpochs, eta_min: minimum)`
/// for epochs up to T_max; past the end it stays at `minimum` where PyTorch's would rise again.
public struct CosineAnnealing: LearningRateSchedule {
    public let totalEpochs: Int
    public let minimum: Double
    public let warmupEpochs: Int

    public init(totalEpochs: Int, minimum: Double = 0, warmupEpochs: Int = 0) throws {
        try OptimizerArguments.require(totalEpochs >= 1, "CosineAnnealing: totalEpochs must be >= 1, got \(totalEpochs)")
        try OptimizerArguments.require(minimum.isFinite && minimum >= 0, "CosineAnnealing: minimum must be a finite number >= 0, got \(minimum)")
        try OptimizerArguments.require(warmupEpochs >= 0 && warmupEpochs < totalEpochs,
                                       "CosineAnnealing: warmupEpochs must be in [0, totalEpochs) = [0, \(totalEpochs)), got \(warmupEpochs)")
        self.totalEpochs = totalEpochs
        self.minimum = minimum
        self.warmupEpochs = warmupEpochs
    }

    public func learningRate(epoch: Int, baseLearningRate: Double) -> Double {
        precondition(epoch >= 0, "CosineAnnealing: epoch must be >= 0, got \(epoch)")
        if epoch < warmupEpochs {
            return baseLearningRate * Double(epoch + 1) / Double(warmupEpochs + 1)
        }
        if epoch >= totalEpochs { return minimum }
        let progress = Double(epoch - warmupEpochs) / Double(totalEpochs - warmupEpochs)
        return minimum + (baseLearningRate - minimum) * (1 + cos(Double.pi * progress)) / 2
    }
}

/// A linear ramp over the first `steps` optimizer steps, in front of any schedule: step k
/// (0-based) uses (k + 1) / (steps + 1) of the scheduled rate, step `steps` and later all of it.
/// The first step is thus not at zero and the last warm-up step is just below the full rate.
///
/// Why: Adam's first updates have magnitude ≈ lr in every coordinate whatever the gradient's
/// size (its second-moment estimate rests on a handful of gradients), so a rate that suits the
/// trained network can knock an untrained one into predicting the class prior only
/// (Documentation/Reproducing.md, "Seeds"). The gradual warm-up of Goyal et al. (2017) is the
/// standard remedy. Counting in steps (iterations) rather than epochs keeps the ramp smooth.
public struct LinearWarmup: Equatable, Sendable {
    public let steps: Int

    public init(steps: Int) throws {
        try OptimizerArguments.require(steps >= 0, "LinearWarmup: steps must be >= 0, got \(steps)")
        self.steps = steps
    }

    /// The fraction of the scheduled rate that step `step` (0-based, counted over the whole run) uses.
    public func factor(step: Int) -> Double {
        precondition(step >= 0, "LinearWarmup: step must be >= 0, got \(step)")
        return step < steps ? Double(step + 1) / Double(steps + 1) : 1
    }

    /// `scheduledRate` (the rate the schedule gives for the step's epoch), ramped.
    public func learningRate(step: Int, scheduledRate: Double) -> Double {
        scheduledRate * factor(step: step)
    }
}
