/// The outcome of comparing analytic gradients with central finite differences.
public struct GradientCheckResult: CustomStringConvertible, Sendable {
    /// Largest |analytic − numeric| / max(|analytic|, |numeric|, 1) over all checked elements.
    public var maxError: Double
    /// Input index, element index, analytic and numeric value at the largest error.
    public var worst: (input: Int, element: Int, analytic: Double, numeric: Double)?
    public var checkedElements: Int
    /// Elements skipped because the function has a kink there (only with `allowKinks`).
    public var skippedKinks: Int
    public var tolerance: Double
    public var passed: Bool { maxError <= tolerance }

    public var description: String {
        var text = "gradient check \(passed ? "passed" : "FAILED"): max error \(maxError) (tolerance \(tolerance)) over \(checkedElements) elements"
        if skippedKinks > 0 { text += ", \(skippedKinks) kinks skipped" }
        if let w = worst { text += "; worst at input \(w.input) element \(w.element): analytic \(w.analytic), numeric \(w.numeric)" }
        return text
    }
}

/// Checks the gradients of `function` at `inputs` against central finite differences, in
/// Float64. Works for any output shape: the output is contracted with fixed random weights
/// so that every output element takes part. Use it to test your own ops and losses.
///
/// - Parameters:
///   - step: finite-difference step h (error O(h²) + rounding/h; 1e-6 suits values of order 1).
///   - tolerance: allowed error, relative to max(|analytic|, |numeric|, 1).
///   - allowKinks: skip elements where one-sided differences disagree (ReLU at 0, max ties, clamp
///     edges) instead of failing there; their number is reported.
public func gradientCheck(
    _ inputs: [Tensor<Double>], step: Double = 1e-6, tolerance: Double = 1e-6,
    allowKinks: Bool = false, seed: UInt64 = 0x5EED,
    _ function: ([Tensor<Double>]) -> Tensor<Double>
) -> GradientCheckResult {
    let leaves = inputs.map { input -> Tensor<Double> in
        let leaf = input.copy()
        leaf.requiresGrad = true
        return leaf
    }
    var generator = RandomGenerator(seed: seed)
    let probeOutput = Graph.withoutRecording { function(leaves) }
    let weights = Tensor<Double>(randomUniform: probeOutput.shape, low: 0.5, high: 1.5, generator: &generator)
    func objective(_ xs: [Tensor<Double>]) -> Tensor<Double> { (function(xs) * weights).sum() }

    let analytic = Graph.gradients(of: objective(leaves), wrt: leaves)
    var result = GradientCheckResult(maxError: 0, worst: nil, checkedElements: 0, skippedKinks: 0, tolerance: tolerance)
    Graph.withoutRecording {
        for (inputIndex, leaf) in leaves.enumerated() {
            for element in 0..<leaf.count {
                let original = leaf.data[element]
                func value(at x: Double) -> Double {
                    leaf.data[element] = x
                    return objective(leaves).scalar
                }
                let center = objective(leaves).scalar
                let plus = value(at: original + step), minus = value(at: original - step)
                leaf.data[element] = original
                let numeric = (plus - minus) / (2 * step)
                let forward = (plus - center) / step, backward = (center - minus) / step
                if allowKinks && Swift.abs(forward - backward) > 1e-3 * Swift.max(1, Swift.abs(forward), Swift.abs(backward)) {
                    result.skippedKinks += 1
                    continue
                }
                let a = analytic[inputIndex].data[element]
                let error = Swift.abs(a - numeric) / Swift.max(Swift.abs(a), Swift.abs(numeric), 1)
                result.checkedElements += 1
                if error > result.maxError || result.worst == nil {
                    result.maxError = Swift.max(error, result.maxError)
                    if error >= result.maxError { result.worst = (inputIndex, element, a, numeric) }
                }
                if !error.isFinite || !a.isFinite {
                    result.maxError = .infinity
                    result.worst = (inputIndex, element, a, numeric)
                }
            }
        }
    }
    return result
}
