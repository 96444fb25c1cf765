import Autodiff
import Foundation
import Testing

/// Learning-rate schedules at given epochs, against the closed forms worked out by hand.
@Suite struct OptimizerScheduleTests {
    func expectRate(_ actual: Double, _ expected: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Swift.abs(actual - expected) <= 1e-15 * Swift.max(1, Swift.abs(expected)),
                "\(what): got \(actual), expected \(expected)", sourceLocation: sourceLocation)
    }

    @Test func stepDecayIsTheTenfoldDropEveryTenEpochs() throws {
        let schedule = try StepDecay(stepSize: 10, gamma: 0.1)
        // base · 0.1^⌊epoch / 10⌋ with base 1e-4
        let expected: [(Int, Double)] = [(0, 1e-4), (1, 1e-4), (9, 1e-4), (10, 1e-5), (19, 1e-5), (20, 1e-6), (35, 1e-7)]
        for (epoch, rate) in expected {
            let actual = schedule.learningRate(epoch: epoch, baseLearningRate: 1e-4)
            #expect(Swift.abs(actual - rate) <= 1e-12 * rate, "epoch \(epoch): got \(actual), expected \(rate)")
        }
    }

    @Test func exponentialDecay() throws {
        let schedule = try ExponentialDecay(gamma: 0.5)
        // 2 · 0.5^epoch
        for (epoch, rate) in [(0, 2.0), (1, 1), (3, 0.25), (10, 2.0 / 1024)] {
            expectRate(schedule.learningRate(epoch: epoch, baseLearningRate: 2), rate, "epoch \(epoch)")
        }
    }

    @Test func cosineAnnealing() throws {
        let schedule = try CosineAnnealing(totalEpochs: 10, minimum: 0.1)
        // 0.1 + (1.1 − 0.1) · (1 + cos(π · epoch / 10)) / 2 with base 1.1
        expectRate(schedule.learningRate(epoch: 0, baseLearningRate: 1.1), 1.1, "start")
        // cos(0.2π) = 0.8090170: 0.1 + 1.8090170 / 2 = 1.0045085
        expectRate(schedule.learningRate(epoch: 2, baseLearningRate: 1.1), 0.1 + (1 + cos(0.2 * Double.pi)) / 2, "epoch 2")
        #expect(Swift.abs(schedule.learningRate(epoch: 2, baseLearningRate: 1.1) - 1.0045085) < 1e-7)
        // cos(π/2) = 0: 0.1 + 1/2 = 0.6
        expectRate(schedule.learningRate(epoch: 5, baseLearningRate: 1.1), 0.6, "half way")
        expectRate(schedule.learningRate(epoch: 10, baseLearningRate: 1.1), 0.1, "end")
        expectRate(schedule.learningRate(epoch: 25, baseLearningRate: 1.1), 0.1, "past the end stays at the minimum")
    }

    @Test func cosineAnnealingWithWarmup() throws {
        let schedule = try CosineAnnealing(totalEpochs: 12, warmupEpochs: 2)
        // warm-up: (epoch + 1) / 3; then cos over the remaining 10 epochs from epoch 2
        expectRate(schedule.learningRate(epoch: 0, baseLearningRate: 1), 1.0 / 3, "warm-up 0")
        expectRate(schedule.learningRate(epoch: 1, baseLearningRate: 1), 2.0 / 3, "warm-up 1")
        expectRate(schedule.learningRate(epoch: 2, baseLearningRate: 1), 1, "peak")
        // epoch 7: progress (7 − 2) / 10 = 0.5 → (1 + cos(π/2)) / 2 = 0.5
        expectRate(schedule.learningRate(epoch: 7, baseLearningRate: 1), 0.5, "half way")
        expectRate(schedule.learningRate(epoch: 12, baseLearningRate: 1), 0, "end")
    }

    @Test func linearWarmupRampsOverItsStepsThenLeavesTheRateAlone() throws {
        let warmup = try LinearWarmup(steps: 3)
        // (k + 1) / 4 for k = 0, 1, 2, then 1
        for (step, factor) in [(0, 0.25), (1, 0.5), (2, 0.75), (3, 1.0), (500, 1.0)] {
            expectRate(warmup.factor(step: step), factor, "step \(step)")
        }
        expectRate(warmup.learningRate(step: 1, scheduledRate: 0.003), 0.0015, "scaled rate")
        expectRate(try LinearWarmup(steps: 0).factor(step: 0), 1, "no warm-up")
    }

    @Test func constantRate() {
        #expect(ConstantLearningRate().learningRate(epoch: 99, baseLearningRate: 0.3) == 0.3)
    }

    @Test func applyScheduleSetsTheOptimizersRate() throws {
        let p: Tensor<Float> = parameter([1])
        let sgd = try SGD(parameters: [p], learningRate: 1)
        let rate = sgd.applySchedule(try StepDecay(stepSize: 10, gamma: 0.1), epoch: 12, baseLearningRate: 0.5)
        #expect(sgd.learningRate == rate && Swift.abs(rate - 0.05) < 1e-15)
    }

    @Test func invalidScheduleArguments() {
        let cases: [(String, () throws -> Void)] = [
            ("StepDecay: stepSize must be >= 1 epoch, got 0", { _ = try StepDecay(stepSize: 0, gamma: 0.1) }),
            ("StepDecay: gamma must be a finite number > 0, got -0.1", { _ = try StepDecay(stepSize: 10, gamma: -0.1) }),
            ("ExponentialDecay: gamma", { _ = try ExponentialDecay(gamma: .nan) }),
            ("CosineAnnealing: totalEpochs must be >= 1, got 0", { _ = try CosineAnnealing(totalEpochs: 0) }),
            ("CosineAnnealing: minimum", { _ = try CosineAnnealing(totalEpochs: 5, minimum: -1) }),
            ("warmupEpochs must be in [0, totalEpochs) = [0, 5), got 5", { _ = try CosineAnnealing(totalEpochs: 5, warmupEpochs: 5) }),
            ("LinearWarmup: steps must be >= 0, got -1", { _ = try LinearWarmup(steps: -1) }),
        ]
        for (expected, make) in cases {
            let message = thrownMessage(make)
            #expect(message.contains(expected), "expected '\(expected)' in '\(message)'")
        }
    }
}
