import CKernels

/// Scales all gradients so their global L2 norm is at most maxNorm; returns the norm before clipping.
///
/// As PyTorch's `clip_grad_norm_`: the norm is taken over every parameter's gradient together
/// (parameters without one are skipped) and, when it exceeds `maxNorm`, each gradient is
/// multiplied by maxNorm / (norm + 1e-6). The sum of squares is accumulated in Double, in an
/// order that does not depend on the thread count. A non-finite norm (an overflow or NaN in
/// some gradient) leaves the gradients unchanged: check the returned value and skip the step.
@discardableResult
public func clipGradientNorm<S: TensorScalar>(_ parameters: [Tensor<S>], maxNorm: Double) -> Double {
    precondition(maxNorm.isFinite && maxNorm > 0, "clipGradientNorm: maxNorm must be a finite number > 0, got \(maxNorm)")
    let gradients = parameters.compactMap(\.grad)
    let norm = globalNorm(gradients)
    let factor = maxNorm / (norm + 1e-6)
    if norm.isFinite && factor < 1 {
        for g in gradients {
            S.kernelScaleInPlace(g.count, g.data, factor)
        }
    }
    return norm
}

/// The global L2 norm of the parameters' gradients (as `clipGradientNorm` measures it), without
/// changing them: for logging.
public func gradientNorm<S: TensorScalar>(_ parameters: [Tensor<S>]) -> Double {
    globalNorm(parameters.compactMap(\.grad))
}

private func globalNorm<S: TensorScalar>(_ tensors: [Tensor<S>]) -> Double {
    var sumOfSquares = 0.0
    for t in tensors {
        sumOfSquares += S.kernelSumOfSquares(t.count, t.data)
    }
    return sumOfSquares.squareRoot()
}
