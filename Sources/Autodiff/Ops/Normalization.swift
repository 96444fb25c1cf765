import CKernels

// Batch normalisation with PyTorch's semantics (kernels in Sources/CKernels/batchnorm_impl.h):
// statistics per channel (axis 1) over every other axis; biased variance to normalise, unbiased
// variance for the running estimate.

/// The validated sizes of a batchNorm call: x viewed as [batch, channels, inner].
public struct BatchNormGeometry: Equatable, Sendable {
    public let batch, channels, inner: Int

    /// `op` names the op in the error (batchNorm, batchNormReLU).
    public init(input: [Int], weight: [Int]?, bias: [Int]?, runningMean: [Int]?, runningVariance: [Int]?, training: Bool,
                op: String = "batchNorm") throws {
        func describe(_ name: String, _ s: [Int]?) -> String { s.map { ", \(name) \(shapeString($0))" } ?? "" }
        let context = "input \(shapeString(input))" + describe("weight", weight) + describe("bias", bias)
            + describe("runningMean", runningMean) + describe("runningVariance", runningVariance)
            + ", training \(training)"
        func fail(_ why: String) -> ShapeError { ShapeError(op, "\(why) (\(context))") }
        guard input.count == 2 || input.count == 4 else { throw fail("input must be [N, C] or [N, C, H, W]") }
        let c = input[1]
        for (name, s) in [("weight", weight), ("bias", bias), ("runningMean", runningMean), ("runningVariance", runningVariance)] {
            if let s, s != [c] { throw fail("\(name) must be [\(c)], one value per channel") }
        }
        guard (runningMean == nil) == (runningVariance == nil) else {
            throw fail("runningMean and runningVariance must be given together")
        }
        let perChannel = Shapes.elementCount(input) / Swift.max(c, 1)
        if training {
            guard perChannel > 1 else { throw fail("training needs more than 1 value per channel, got \(perChannel)") }
        } else {
            guard runningMean != nil else { throw fail("evaluation needs runningMean and runningVariance") }
        }
        batch = input[0]; channels = c
        inner = input.count == 4 ? input[2] * input[3] : 1
    }
}

extension Tensor {
    /// Normalises over every axis but 1 of [N, C] or [N, C, H, W], PyTorch semantics exactly:
    /// training uses the batch mean and biased variance and updates runningMean/runningVariance in place
    /// (momentum 0.1 default, unbiased variance for the running value); eval uses the running statistics.
    /// weight/bias [C] optional (affine). Differentiable w.r.t. input, weight, bias.
    /// `batchNormReLU` (BatchNormReLU.swift) is the same followed by ReLU, fused.
    /// `reducer` (training only): the statistics and their gradients are those of the global batch
    /// whose shards the processes hold (synchronised batch norm, BatchStatisticsReducer.swift).
    public func batchNorm(weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVariance: Tensor?, training: Bool, momentum: Double = 0.1,
                          epsilon: Double = 1e-5, reducer: (any BatchStatisticsReducer)? = nil) -> Tensor {
        let x = self
        let geometry = validate {
            try BatchNormGeometry(input: x.shape, weight: weight?.shape, bias: bias?.shape, runningMean: runningMean?.shape,
                                  runningVariance: runningVariance?.shape, training: training)
        }
        let (n, c, inner) = (geometry.batch, geometry.channels, geometry.inner)
        let reducer = training ? reducer : nil
        let (mean, invstd, count) = x.batchNormStatistics(geometry, runningMean: runningMean, runningVariance: runningVariance,
                                                          training: training, momentum: momentum, epsilon: epsilon, reducer: reducer)
        let out = Tensor(uninitializedShape: x.shape)
        Scalar.kernelBatchNormApply(n, c, inner, x.data, mean.data, invstd.data, weight?.constPointer, bias?.constPointer, out.data)
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        return out.recorded(.batchNorm, inputs) { g in
            let gx = x.isTracked ? Tensor(uninitializedShape: x.shape) : nil
            // Synchronised: the local sums always, then the global correction of gx.
            let gw = (weight?.isTracked ?? false) || reducer != nil ? Tensor(uninitializedShape: [c]) : nil
            let gb = (bias?.isTracked ?? false) || reducer != nil ? Tensor(uninitializedShape: [c]) : nil
            let stats: Int32 = training && reducer == nil ? 1 : 0
            Scalar.kernelBatchNormBackward(n, c, inner, x.data, g.data, mean.data, invstd.data, weight?.constPointer, stats,
                                           gx?.data, gw?.data, gb?.data)
            if let reducer, let gw, let gb {
                Tensor.completeSynchronizedBackward(geometry, x: x, mean: mean, invstd: invstd, weight: weight, count: count,
                                                    gx: gx, gw: gw, gb: gb, reducer: reducer)
            }
            var grads: [Tensor?] = [gx]
            if let weight { grads.append(weight.isTracked ? gw : nil) }
            if let bias { grads.append(bias.isTracked ? gb : nil) }
            return grads
        }
    }

    /// The mean and 1/sqrt(variance + epsilon) that normalise self, per channel: the batch's in
    /// training (updating the running statistics in place, when given), else copies of the running
    /// ones (a later training call updates those in place).
    /// With a reducer, the global batch's statistics; `count` is the number of values per channel
    /// they cover.
    func batchNormStatistics(_ geometry: BatchNormGeometry, runningMean: Tensor?, runningVariance: Tensor?, training: Bool,
                             momentum: Double, epsilon: Double,
                             reducer: (any BatchStatisticsReducer)? = nil) -> (mean: Tensor, invstd: Tensor, count: Double) {
        let (n, c, inner) = (geometry.batch, geometry.channels, geometry.inner)
        let mean = Tensor(uninitializedShape: [c]), invstd = Tensor(uninitializedShape: [c])
        var count = Double(n * inner)
        if training {
            let variance = Tensor(uninitializedShape: [c])
            Scalar.kernelBatchNormStats(n, c, inner, data, mean.data, variance.data)
            if let reducer {
                count = reduceBatchStatistics(mean: mean, variance: variance, localCount: n * inner, reducer: reducer)
            }
            let m = Scalar(momentum), unbias = Scalar(count) / Scalar(count - 1)
            for i in 0..<c {
                invstd.data[i] = 1 / (variance.data[i] + Scalar(epsilon)).squareRoot()
                if let runningMean, let runningVariance {
                    runningMean.data[i] = (1 - m) * runningMean.data[i] + m * mean.data[i]
                    runningVariance.data[i] = (1 - m) * runningVariance.data[i] + m * variance.data[i] * unbias
                }
            }
        } else if let runningMean, let runningVariance {
            for i in 0..<c {
                mean.data[i] = runningMean.data[i]
                invstd.data[i] = 1 / (runningVariance.data[i] + Scalar(epsilon)).squareRoot()
            }
        }
        return (mean, invstd, count)
    }

    /// The data as a read-only pointer, for a kernel's optional arguments.
    var constPointer: UnsafePointer<Scalar> { UnsafePointer(data) }
}
