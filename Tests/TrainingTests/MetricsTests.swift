import Autodiff
import Testing
@testable import Training
@testable import Experiments

@Suite("Metrics")
struct MetricsTests {
    /// truth 0: 3 right, 1 as class 1; truth 1: 1 right, 1 as class 2; truth 2: none in the test set.
    func sample() -> ConfusionMatrix {
        var m = ConfusionMatrix(classNames: ["Surprise", "Fear", "Disgust"])
        m.add(truths: [0, 0, 0, 0, 1, 1], predictions: [0, 0, 0, 1, 1, 2])
        return m
    }

    @Test("accuracy, per-class accuracy and mean class accuracy from known counts")
    func values() {
        let m = sample()
        #expect(m.counts == [[3, 1, 0], [0, 1, 1], [0, 0, 0]])
        #expect(m.total == 6 && m.correct == 4)
        #expect(m.accuracy == 4.0 / 6.0)
        #expect(m.perClassAccuracy == [0.75, 0.5, nil])
        #expect(m.meanClassAccuracy == 0.625)  // the empty class does not count
        #expect(ConfusionMatrix(classNames: ["a"]).accuracy == 0)
    }

    @Test("the printed table aligns its columns and names every class")
    func table() {
        let lines = sample().formattedTable().split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("true \\ predicted"))
        #expect(lines[1].hasPrefix("Surprise"))
        #expect(lines[1].hasSuffix("75.00%"))
        #expect(lines[3].hasSuffix("-"))
        // Every count column ends at the same offset in each row.
        let ends = lines[0..<4].map { $0.count }
        #expect(Set(ends.prefix(3)).count == 1)
        #expect(lines[4] == "accuracy 66.67% (4/6), mean class accuracy 62.50%")
    }

    @Test("argmax of score rows; ties go to the first class")
    func predictions() {
        #expect(predictedClasses([0.1, 0.7, 0.2, 0.5, 0.5, 0], classCount: 3) == [1, 0])
    }

    @Test("fixed-point formatting rounds and pads")
    func formatting() {
        #expect(fixed(81.835, decimals: 2) == "81.84" || fixed(81.835, decimals: 2) == "81.83")
        #expect(fixed(0.5, decimals: 3) == "0.500")
        #expect(fixed(-1.25, decimals: 1) == "-1.3" || fixed(-1.25, decimals: 1) == "-1.2")
        #expect(fixed(-0.001, decimals: 2) == "0.00")
        #expect(fixed(12, decimals: 0) == "12")
        #expect(formatPercent(0.8184) == "81.84%")
        #expect(formatDuration(3909) == "1:05:09")
        #expect(formatDuration(247) == "4:07")
    }

    @Test("the loop's 1-based epochs ask Autodiff's StepDecay for epochs 0, 1, …: ten epochs at each rate")
    func schedule() throws {
        let s = TrainerConfiguration(name: "ce", epochs: 30, batchSize: 8, learningRate: 1e-4,
                                     schedule: try StepDecay(stepSize: 10, gamma: 0.1), seed: 0)
        #expect(s.learningRate(epoch: 1) == 1e-4)
        #expect(s.learningRate(epoch: 10) == 1e-4)
        #expect(abs(s.learningRate(epoch: 11) - 1e-5) < 1e-18)
        #expect(abs(s.learningRate(epoch: 21) - 1e-6) < 1e-19)
        // The fingerprint keeps the wording of checkpoints written before the schedules moved to Autodiff.
        #expect(s.fingerprintEntries["schedule"] == "lr 0.0001 ×0.1 every 10 epochs")
        let cosine = TrainerConfiguration(name: "ce", epochs: 3, batchSize: 8, learningRate: 0.1,
                                          schedule: try CosineAnnealing(totalEpochs: 3), seed: 0)
        #expect(cosine.learningRate(epoch: 1) == 0.1 && cosine.learningRate(epoch: 4) == 0)
        #expect(cosine.fingerprintEntries["schedule"]!.hasPrefix("lr 0.1, CosineAnnealing(totalEpochs: 3"))
    }
}

@Suite("Progress display")
struct ProgressTests {
    @Test("a line shows the bar, images/s, ETA, loss and accuracy")
    func rendering() {
        let state = ProgressState(label: "ce epoch 1/2", done: 250, total: 1000, elapsedSeconds: 5,
                                  runningLoss: 1.23456, runningAccuracy: 0.4)
        #expect(state.imagesPerSecond == 50)
        #expect(state.etaSeconds == 15)
        #expect(state.rendered(barWidth: 8) == "ce epoch 1/2 [##......]  25% 250/1000  50.0 img/s  ETA 0:15  loss 1.2346  acc 40.00%")
    }

    @Test("a terminal gets one line rewritten with a carriage return; a log gets whole lines")
    func styles() {
        var terminal: [String] = []
        let bar = ProgressDisplay(style: .terminal, write: { terminal.append($0) })
        for i in 1...3 {
            bar.update(ProgressState(label: "x", done: i, total: 3, elapsedSeconds: Double(i), runningLoss: 1, runningAccuracy: 0))
        }
        bar.finish()
        #expect(terminal.count == 4)
        #expect(terminal.dropLast().allSatisfy { $0.hasPrefix("\r") && !$0.contains("\n") })
        #expect(terminal.last == "\n")

        var log: [String] = []
        let lines = ProgressDisplay(style: .periodicLines, lineInterval: 10, write: { log.append($0) })
        for i in 1...30 {
            lines.update(ProgressState(label: "x", done: i, total: 30, elapsedSeconds: Double(i), runningLoss: 1, runningAccuracy: 0))
        }
        // At 1 s, 11 s, 21 s, and the final one at 30 s.
        #expect(log.count == 4)
        #expect(log.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") })
    }
}
