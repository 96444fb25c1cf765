import Autodiff
import Testing

/// Synchronised batch norm on one process: a reducer that doubles every sum is two processes
/// holding the same shard, so the results must be plain batch norm's on the batch twice over.
@Suite struct SynchronizedBatchNormTests {
    /// Two processes with equal shares and identical data: every sum doubles (forward), and the
    /// gradient sums Σ share · v / own share double too.
    final class Doubling: BatchStatisticsReducer {
        var calls = 0
        func sumStatistics(_ buffer: UnsafeMutableBufferPointer<Double>) { double(buffer) }
        func sumGradientStatistics(_ buffer: UnsafeMutableBufferPointer<Double>) { double(buffer) }
        private func double(_ buffer: UnsafeMutableBufferPointer<Double>) {
            calls += 1
            for i in buffer.indices { buffer[i] *= 2 }
        }
    }

    /// Output, input gradient, running statistics, weight and bias gradients and (fused with a
    /// residual) the residual's gradient, of a shard `x` (`copies` 1, with `reducer`) or of the
    /// global batch `x` twice over (`copies` 2, plain), the shard's rows first.
    static func run(fused: Bool, copies: Int, reducer: (any BatchStatisticsReducer)?) -> [[Double]] {
        var rng = RandomGenerator(seed: 5)
        let shape = [3, 4, 5, 6], c = 4
        let shardX = Tensor<Double>(randomNormal: shape, mean: 0.7, std: 1.3, generator: &rng)
        let shardSeed = Tensor<Double>(randomNormal: shape, generator: &rng)
        let shardResidual = Tensor<Double>(randomNormal: shape, generator: &rng)
        let w = Tensor<Double>(randomNormal: [c], generator: &rng), b = Tensor<Double>(randomNormal: [c], generator: &rng)
        let runningMean = Tensor<Double>(randomNormal: [c], generator: &rng)
        let runningVariance = Tensor<Double>(randomUniform: [c], low: 0.5, high: 2, generator: &rng)
        func repeated(_ t: Tensor<Double>) -> Tensor<Double> { copies == 1 ? t : Tensor.concat([t, t], axis: 0) }
        let x = Tensor<Double>(shape: repeated(shardX).shape, scalars: repeated(shardX).scalars, requiresGrad: true)
        let residual = Tensor<Double>(shape: x.shape, scalars: repeated(shardResidual).scalars, requiresGrad: true)
        for t in [w, b] { t.requiresGrad = true }
        let y = fused
            ? x.batchNormReLU(weight: w, bias: b, runningMean: runningMean, runningVariance: runningVariance, training: true,
                              adding: residual, reducer: reducer)
            : x.batchNorm(weight: w, bias: b, runningMean: runningMean, runningVariance: runningVariance, training: true, reducer: reducer)
        // Each process's loss is <seed, y> over its shard; the global loss their mean (shares ½).
        y.backward(seed: repeated(shardSeed))
        let rows = shape.reduce(1, *)
        let perProcess = 1 / Double(copies)  // the global loss's parameter gradient, in one process's scale
        var out = [Array(y.scalars[0..<rows]), Array(x.grad!.scalars[0..<rows]), runningMean.scalars, runningVariance.scalars,
                   w.grad!.scalars.map { $0 * perProcess }, b.grad!.scalars.map { $0 * perProcess }]
        if fused { out.append(Array(residual.grad!.scalars[0..<rows])) }
        return out
    }

    @Test(arguments: [false, true])
    func doublingReducerIsBatchNormOnTheBatchTwice(fused: Bool) {
        let reducer = Doubling()
        let synchronised = Self.run(fused: fused, copies: 1, reducer: reducer)
        let global = Self.run(fused: fused, copies: 2, reducer: nil)
        #expect(reducer.calls == 2, "one reduction forward, one backward")
        let names = ["output", "input gradient", "running mean", "running variance", "weight gradient", "bias gradient", "residual gradient"]
        for (k, (u, v)) in zip(synchronised, global).enumerated() {
            #expect(u.count == v.count)
            let worst = zip(u, v).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst < 1e-10, "\(fused ? "fused" : "plain"): \(names[k]) differs by \(worst)")
        }
        // And it is not the shard's own batch norm: the unbiased running variance counts both copies.
        let alone = Self.run(fused: fused, copies: 1, reducer: nil)
        #expect(alone[3] != synchronised[3])
    }

    /// In evaluation the reducer is not called: the running statistics are already global.
    @Test func evaluationDoesNotReduce() {
        let reducer = Doubling()
        var rng = RandomGenerator(seed: 2)
        let x = Tensor<Double>(randomNormal: [2, 3, 4, 4], generator: &rng)
        _ = x.batchNorm(weight: nil, bias: nil, runningMean: Tensor(zeros: [3]), runningVariance: Tensor(ones: [3]), training: false, reducer: reducer)
        #expect(reducer.calls == 0)
    }
}
