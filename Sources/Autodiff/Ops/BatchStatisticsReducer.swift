// Synchronised batch norm: processes that train on shards of one global batch normalise with
// the global batch's statistics. Autodiff knows nothing of processes; whoever runs them (the
// Training module's process group) supplies the sums through this protocol.

/// Sums batch norm's per-channel values across the processes that share one global batch. Every
/// process calls it in the same order with buffers of the same length (one call per batch-norm
/// forward in training, one per backward).
public protocol BatchStatisticsReducer: AnyObject {
    /// Forward: replaces `buffer` (this process's per-channel sums and row count) with its
    /// element-wise sum over the processes.
    func sumStatistics(_ buffer: UnsafeMutableBufferPointer<Double>)
    /// Backward: `buffer` holds per-channel sums of the gradient of this process's loss; replaces
    /// them with the sums of the gradient of the global loss over the global batch, in this
    /// process's loss scale (Σ over processes of weight · sums, divided by this process's weight,
    /// where a weight is a process's share of the global loss).
    func sumGradientStatistics(_ buffer: UnsafeMutableBufferPointer<Double>)
}

extension Tensor {
    /// Global mean and biased variance from this process's ones (in place), and the global count
    /// of values per channel.
    func reduceBatchStatistics(mean: Tensor, variance: Tensor, localCount: Int, reducer: any BatchStatisticsReducer) -> Double {
        let c = mean.count, count = Double(localCount)
        // Sums of x and x² rebuilt in Double from the local mean and variance.
        var sums = [Double](repeating: 0, count: 2 * c + 1)
        for i in 0..<c {
            let m = Double(mean.data[i]), v = Double(variance.data[i])
            sums[i] = m * count
            sums[c + i] = (v + m * m) * count
        }
        sums[2 * c] = count
        sums.withUnsafeMutableBufferPointer { reducer.sumStatistics($0) }
        let total = sums[2 * c]
        for i in 0..<c {
            let m = sums[i] / total
            mean.data[i] = Scalar(m)
            variance.data[i] = Scalar(Swift.max(sums[c + i] / total - m * m, 0))
        }
        return total
    }

    /// Completes a batch-norm backward run with fixed statistics (`gx` = scale · g, `gw`, `gb`
    /// this process's Σ g·x̂ and Σ g) into the global batch's: gx -= scale · (Σg + x̂ · Σg·x̂) / count
    /// with the sums over every process. `gw` and `gb` stay local: the optimiser's gradient sum
    /// over processes adds them up.
    static func completeSynchronizedBackward(_ geometry: BatchNormGeometry, x: Tensor, mean: Tensor, invstd: Tensor, weight: Tensor?,
                                             count: Double, gx: Tensor?, gw: Tensor, gb: Tensor, reducer: any BatchStatisticsReducer) {
        let (n, c, inner) = (geometry.batch, geometry.channels, geometry.inner)
        var sums = [Double](repeating: 0, count: 2 * c)
        for i in 0..<c {
            sums[i] = Double(gb.data[i])
            sums[c + i] = Double(gw.data[i])
        }
        sums.withUnsafeMutableBufferPointer { reducer.sumGradientStatistics($0) }
        guard let gx else { return }
        for channel in 0..<c {
            let invstd = invstd.data[channel], mean = mean.data[channel]
            let scale = invstd * (weight?.data[channel] ?? 1)
            let meanG = Scalar(sums[channel] / count), meanGXhat = Scalar(sums[c + channel] / count)
            for row in 0..<n {
                let base = (row * c + channel) * inner
                for t in base..<(base + inner) {
                    gx.data[t] -= scale * (meanG + (x.data[t] - mean) * invstd * meanGXhat)
                }
            }
        }
    }
}
