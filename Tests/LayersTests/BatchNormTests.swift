import Autodiff
import Layers
import Testing

@Suite struct BatchNormTests {
    /// x[n, c, i] for a [N=3, C=2, H=2, W=1] input.
    static let input: [Double] = [1, 2, 5, -1,   0, 4, 2, 2,   -3, 1, 7, 3]

    /// Per-channel mean and biased / unbiased variance of `input`, by hand.
    static func statistics(channel c: Int) -> (mean: Double, biased: Double, unbiased: Double) {
        var values: [Double] = []
        for n in 0..<3 { for i in 0..<2 { values.append(input[(n * 2 + c) * 2 + i]) } }
        let mean = values.reduce(0, +) / 6
        let ss = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        return (mean, ss / 6, ss / 5)
    }

    @Test func trainingNormalisesWithBatchStatisticsAndUpdatesRunningStatistics() {
        let bn = BatchNorm2d<Double>(channels: 2)
        bn.weight.assign(Tensor(shape: [2], scalars: [2, 0.5]))
        bn.bias.assign(Tensor(shape: [2], scalars: [0.1, -1]))
        bn.runningMean.assign(Tensor(shape: [2], scalars: [1, -1]))
        bn.runningVariance.assign(Tensor(shape: [2], scalars: [2, 3]))
        let x = Tensor<Double>(shape: [3, 2, 2, 1], scalars: Self.input)
        let y = bn(x)
        for c in 0..<2 {
            let (mean, biased, unbiased) = Self.statistics(channel: c)
            let (w, b) = ([2.0, 0.5][c], [0.1, -1.0][c])
            for n in 0..<3 {
                for i in 0..<2 {
                    let expected = (x[n, c, i, 0] - mean) / (biased + 1e-5).squareRoot() * w + b
                    #expect(abs(y[n, c, i, 0] - expected) < 1e-12, "channel \(c) sample \(n)")
                }
            }
            // PyTorch: running = (1 - momentum) running + momentum * batch, with the unbiased variance.
            #expect(abs(bn.runningMean.data[c] - (0.9 * [1.0, -1.0][c] + 0.1 * mean)) < 1e-12)
            #expect(abs(bn.runningVariance.data[c] - (0.9 * [2.0, 3.0][c] + 0.1 * unbiased)) < 1e-12)
        }
        #expect(bn.batchesTracked.scalar == 1)
        _ = bn(x)
        #expect(bn.batchesTracked.scalar == 2)
    }

    @Test func evaluationUsesRunningStatisticsAndChangesNothing() {
        let bn = BatchNorm2d<Double>(channels: 2)
        bn.isTraining = false
        bn.runningMean.assign(Tensor(shape: [2], scalars: [0.5, -2]))
        bn.runningVariance.assign(Tensor(shape: [2], scalars: [4, 0.25]))
        bn.weight.assign(Tensor(shape: [2], scalars: [3, 1]))
        let x = Tensor<Double>(shape: [3, 2, 2, 1], scalars: Self.input)
        let y = bn(x)
        for n in 0..<3 {
            for c in 0..<2 {
                for i in 0..<2 {
                    let expected = (x[n, c, i, 0] - [0.5, -2][c]) / ([4.0, 0.25][c] + 1e-5).squareRoot() * [3.0, 1][c]
                    #expect(abs(y[n, c, i, 0] - expected) < 1e-12)
                }
            }
        }
        #expect(bn.runningMean.scalars == [0.5, -2] && bn.runningVariance.scalars == [4, 0.25])
        #expect(bn.batchesTracked.scalar == 0)
    }

    @Test func modeSwitchReachesEveryNestedModule() {
        var g = RandomGenerator(seed: 3)
        let model = SmallResNet<Float>(classCount: 2, widths: [2, 4], generator: &g)
        let blocks = model.stages.flatMap(\.layers).compactMap { $0 as? BasicBlock<Float> }
        #expect(blocks.count == 2)
        func allModes() -> [Bool] {
            var modes: [Bool] = [model.bn1.isTraining, model.fc!.isTraining]
            for b in blocks {
                modes += [b.bn1.isTraining, b.bn2.isTraining, b.conv1.isTraining]
                modes += b.downsample?.layers.map { $0.isTraining } ?? []
            }
            return modes
        }
        #expect(allModes().allSatisfy { $0 })
        model.isTraining = false
        #expect(allModes().allSatisfy { !$0 } && allModes().count == 10)
        // In eval mode a forward pass leaves every running statistic unchanged.
        let before = model.namedBuffers.map { $0.tensor.scalars }
        _ = Graph.withoutRecording { model(Tensor<Float>(ones: [2, 3, 4, 4])) }
        #expect(model.namedBuffers.map { $0.tensor.scalars } == before)
        model.isTraining = true
        _ = Graph.withoutRecording { model(Tensor<Float>(ones: [2, 3, 4, 4]) * Tensor(shape: [1, 3, 1, 1], scalars: [1, 2, 3])) }
        #expect(model.namedBuffers.map { $0.tensor.scalars } != before)
    }
}
