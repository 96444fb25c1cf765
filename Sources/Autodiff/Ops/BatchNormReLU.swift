import CKernels

// Batch norm followed by ReLU (and, in a ResNet block's second half, by the residual addition
// before the ReLU) as one op with its own kernels (Sources/CKernels/batchnorm_impl.h). As
// separate ops a BN+ReLU costs five passes over the activation in a training step and keeps
// bn(x) alive for relu's backward; fused, the forward normalises and clamps in one pass and the
// backward recomputes the ReLU mask from the saved input instead of storing it. The results are
// bit for bit those of `batchNorm`, `+` and `relu` run one after the other.

extension Tensor {
    /// relu(batchNorm(self) + residual), with `batchNorm`'s arguments and semantics (running
    /// statistics updated in training), as one differentiable op. `residual` (optional) has
    /// self's shape. Differentiable w.r.t. self, weight, bias and residual; ReLU keeps NaN, and
    /// its gradient at exactly 0 is 0, as `relu`. `reducer`: synchronised statistics, as `batchNorm`'s.
    public func batchNormReLU(weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVariance: Tensor?, training: Bool,
                              momentum: Double = 0.1, epsilon: Double = 1e-5, adding residual: Tensor? = nil,
                              reducer: (any BatchStatisticsReducer)? = nil) -> Tensor {
        let x = self
        let geometry = validate {
            let geometry = try BatchNormGeometry(input: x.shape, weight: weight?.shape, bias: bias?.shape, runningMean: runningMean?.shape,
                                                 runningVariance: runningVariance?.shape, training: training, op: "batchNormReLU")
            if let residual, residual.shape != x.shape {
                throw ShapeError("batchNormReLU", "residual \(shapeString(residual.shape)) must have the input's shape \(shapeString(x.shape))")
            }
            return geometry
        }
        let (n, c, inner) = (geometry.batch, geometry.channels, geometry.inner)
        let reducer = training ? reducer : nil
        let (mean, invstd, count) = x.batchNormStatistics(geometry, runningMean: runningMean, runningVariance: runningVariance,
                                                          training: training, momentum: momentum, epsilon: epsilon, reducer: reducer)
        let out = Tensor(uninitializedShape: x.shape)
        Scalar.kernelBatchNormReLUApply(n, c, inner, x.data, mean.data, invstd.data, weight?.constPointer, bias?.constPointer,
                                        residual?.constPointer, out.data)
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        if let residual { inputs.append(residual) }
        return out.recorded(.batchNormReLU, inputs) { g in
            let gx = x.isTracked ? Tensor(uninitializedShape: x.shape) : nil
            // Synchronised: the local sums always, then the global correction of gx.
            let gw = (weight?.isTracked ?? false) || reducer != nil ? Tensor(uninitializedShape: [c]) : nil
            let gb = (bias?.isTracked ?? false) || reducer != nil ? Tensor(uninitializedShape: [c]) : nil
            // The masked gradient is computed anyway; the kernel writes it whenever there is a residual.
            let gr = residual.map { Tensor(uninitializedShape: $0.shape) }
            let stats: Int32 = training && reducer == nil ? 1 : 0
            Scalar.kernelBatchNormReLUBackward(n, c, inner, x.data, residual?.constPointer, g.data, mean.data, invstd.data,
                                               weight?.constPointer, bias?.constPointer, stats, gx?.data, gw?.data, gb?.data, gr?.data)
            if let reducer, let gw, let gb {
                Tensor.completeSynchronizedBackward(geometry, x: x, mean: mean, invstd: invstd, weight: weight, count: count,
                                                    gx: gx, gw: gw, gb: gb, reducer: reducer)
            }
            var grads: [Tensor?] = [gx]
            if let weight { grads.append(weight.isTracked ? gw : nil) }
            if let bias { grads.append(bias.isTracked ? gb : nil) }
            if let residual { grads.append(residual.isTracked ? gr : nil) }
            return grads
        }
    }
}
