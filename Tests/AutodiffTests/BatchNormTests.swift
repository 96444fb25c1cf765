import Autodiff
import Testing

@Suite struct BatchNormTests {
    /// Per-channel mean and biased variance over every axis but 1, computed directly.
    static func channelStatistics(_ x: Tensor<Double>) -> (mean: [Double], biasedVariance: [Double], count: Int) {
        let c = x.shape[1], inner = x.rank == 4 ? x.shape[2] * x.shape[3] : 1, n = x.shape[0]
        var mean = [Double](repeating: 0, count: c), variance = [Double](repeating: 0, count: c)
        for ch in 0..<c {
            var values: [Double] = []
            for b in 0..<n { for t in 0..<inner { values.append(x.data[(b * c + ch) * inner + t]) } }
            let m = values.reduce(0, +) / Double(values.count)
            mean[ch] = m
            variance[ch] = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)
        }
        return (mean, variance, n * inner)
    }

    @Test(arguments: [[4, 3, 5, 2], [6, 4]])
    func trainingNormalisesWithBatchStatisticsAndUpdatesRunningOnes(_ shape: [Int]) {
        var rng = RandomGenerator(seed: 17)
        let c = shape[1]
        let x = Tensor<Double>(randomNormal: shape, mean: 3, std: 2, generator: &rng)
        let weight = Tensor<Double>(randomNormal: [c], generator: &rng), bias = Tensor<Double>(randomNormal: [c], generator: &rng)
        let mean0 = Tensor<Double>(randomNormal: [c], generator: &rng)
        let var0 = Tensor<Double>(randomUniform: [c], low: 0.5, high: 2, generator: &rng)
        let runningMean = mean0.copy(), runningVariance = var0.copy()
        let y = x.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVariance: runningVariance, training: true, momentum: 0.3, epsilon: 1e-3)
        let (mean, variance, count) = Self.channelStatistics(x)
        let inner = x.count / (shape[0] * c)
        for i in 0..<x.count {
            let ch = (i / inner) % c
            let expected = (x.data[i] - mean[ch]) / (variance[ch] + 1e-3).squareRoot() * weight.data[ch] + bias.data[ch]
            #expect(Swift.abs(y.data[i] - expected) < 1e-12)
        }
        // PyTorch: running = (1 - momentum) * running + momentum * batch, unbiased variance.
        for ch in 0..<c {
            #expect(Swift.abs(runningMean.data[ch] - (0.7 * mean0.data[ch] + 0.3 * mean[ch])) < 1e-13)
            let unbiased = variance[ch] * Double(count) / Double(count - 1)
            #expect(Swift.abs(runningVariance.data[ch] - (0.7 * var0.data[ch] + 0.3 * unbiased)) < 1e-13)
        }
    }

    @Test func runningStatisticsMatchPyTorchFigures() {
        // torch.nn.functional.batch_norm(x, rm=zeros(2), rv=ones(2), training=True, momentum=0.1)
        // on x = [[1, 2], [3, 6], [5, 10]]: mean [3, 6], unbiased var [4, 16].
        let x = Tensor<Double>(shape: [3, 2], scalars: [1, 2, 3, 6, 5, 10])
        let runningMean = Tensor<Double>(zeros: [2]), runningVariance = Tensor<Double>(ones: [2])
        let y = x.batchNorm(weight: nil, bias: nil, runningMean: runningMean, runningVariance: runningVariance, training: true)
        #expect(runningMean.scalars.map { ($0 * 1e12).rounded() / 1e12 } == [0.3, 0.6])
        #expect(runningVariance.scalars.map { ($0 * 1e12).rounded() / 1e12 } == [1.3, 2.5])
        // Biased variance 8/3 and 32/3 normalise: (1 - 3) / sqrt(8/3 + 1e-5).
        #expect(Swift.abs(y[0, 0] - (-2 / (8.0 / 3 + 1e-5).squareRoot())) < 1e-12)
    }

    @Test func evalUsesRunningStatisticsAndLeavesThemAlone() {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor<Double>(randomNormal: [3, 2, 2, 2], generator: &rng)
        let runningMean = Tensor<Double>(shape: [2], scalars: [0.5, -1]), runningVariance = Tensor<Double>(shape: [2], scalars: [4, 0.25])
        let weight = Tensor<Double>(shape: [2], scalars: [2, 3]), bias = Tensor<Double>(shape: [2], scalars: [0.1, -0.2])
        let y = x.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVariance: runningVariance, training: false)
        for i in 0..<x.count {
            let ch = (i / 4) % 2
            let expected = (x.data[i] - runningMean.data[ch]) / (runningVariance.data[ch] + 1e-5).squareRoot() * weight.data[ch] + bias.data[ch]
            #expect(Swift.abs(y.data[i] - expected) < 1e-12)
        }
        #expect(runningMean.scalars == [0.5, -1] && runningVariance.scalars == [4, 0.25])
        // Training mode on the same input normalises each channel to mean 0 instead.
        let trained = x.batchNorm(weight: nil, bias: nil, runningMean: runningMean, runningVariance: runningVariance, training: true)
        let channelMeans = Self.channelStatistics(trained).mean
        #expect(channelMeans.allSatisfy { Swift.abs($0) < 1e-12 })
        #expect(maxAbsDifference(trained, y) > 0.1)
        #expect(runningMean.scalars != [0.5, -1])
    }

    @Test func float32AgreesWithFloat64() {
        var rng = RandomGenerator(seed: 8)
        let x = Tensor<Double>(randomNormal: [5, 3, 4, 4], mean: 10, std: 3, generator: &rng, requiresGrad: true)
        let w = Tensor<Double>(randomNormal: [3], generator: &rng, requiresGrad: true)
        let b = Tensor<Double>(randomNormal: [3], generator: &rng, requiresGrad: true)
        let probe = Tensor<Double>(randomNormal: [5, 3, 4, 4], generator: &rng)
        let (x32, w32, b32) = (x.converted(to: Float.self), w.converted(to: Float.self), b.converted(to: Float.self))
        for t in [x32, w32, b32] { t.requiresGrad = true }
        let rm = Tensor<Double>(zeros: [3]), rv = Tensor<Double>(ones: [3]), rm32 = Tensor<Float>(zeros: [3]), rv32 = Tensor<Float>(ones: [3])
        let y = x.batchNorm(weight: w, bias: b, runningMean: rm, runningVariance: rv, training: true)
        let y32 = x32.batchNorm(weight: w32, bias: b32, runningMean: rm32, runningVariance: rv32, training: true)
        (y * probe).sum().backward()
        (y32 * probe.converted(to: Float.self)).sum().backward()
        #expect(maxAbsDifference(y, y32.converted()) < 1e-4)
        #expect(maxAbsDifference(x.grad!, x32.grad!.converted()) < 1e-4)
        #expect(maxAbsDifference(w.grad!, w32.grad!.converted()) < 1e-3)
        #expect(maxAbsDifference(b.grad!, b32.grad!.converted()) < 1e-3)
        #expect(maxAbsDifference(rv, rv32.converted()) < 1e-4)
    }

    @Test func validatorMessagesNameOpAndShapes() {
        func message(_ input: [Int], weight: [Int]? = nil, bias: [Int]? = nil, mean: [Int]? = nil, variance: [Int]? = nil, training: Bool = true) -> String? {
            shapeErrorMessage { _ = try BatchNormGeometry(input: input, weight: weight, bias: bias, runningMean: mean, runningVariance: variance, training: training) }
        }
        #expect(message([8, 4, 3, 3], weight: [3]) == "batchNorm: weight must be [4], one value per channel (input [8, 4, 3, 3], weight [3], training true)")
        #expect(message([8, 4, 3], weight: [4])?.hasPrefix("batchNorm: input must be [N, C] or [N, C, H, W] (input [8, 4, 3], weight [4]") == true)
        #expect(message([1, 4, 1, 1])?.contains("training needs more than 1 value per channel, got 1") == true)
        #expect(message([2, 4], training: false)?.contains("evaluation needs runningMean and runningVariance") == true)
        #expect(message([2, 4], mean: [4])?.contains("must be given together") == true)
        #expect(message([2, 4], bias: [4], mean: [4], variance: [5])?.contains("runningVariance must be [4]") == true)
        #expect(message([1, 4, 1, 1], mean: [4], variance: [4], training: false) == nil)
    }
}
