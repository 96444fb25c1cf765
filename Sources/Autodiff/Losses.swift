/// The classification losses every model needs, built from recorded ops (log-softmax, gather,
/// mean), so they are differentiable and checked like any composition of ops.

extension Shapes {
    /// Class labels for scores [M, C]: one label per row, each in 0..<C. The message names the
    /// loss, the offending position and value.
    public static func classLabels(_ labels: [Int], scores shape: [Int], op: String) throws {
        guard shape.count == 2 else {
            throw ShapeError(op, "scores must be [M, C], got \(shapeString(shape))")
        }
        guard labels.count == shape[0] else {
            throw ShapeError(op, "\(labels.count) labels for a batch of \(shape[0]) rows (scores \(shapeString(shape)))")
        }
        if let position = labels.firstIndex(where: { $0 < 0 || $0 >= shape[1] }) {
            throw ShapeError(op, "label \(labels[position]) at batch position \(position) is outside 0..<\(shape[1]) (class count)")
        }
    }
}

/// Negative log-likelihood, −(1/M) Σ_i logProbabilities[i, y_i] (PyTorch's `nll_loss` with the
/// mean reduction). `logProbabilities` is [M, C], e.g. the output of `logSoftmax(axis: -1)`.
public func nllLoss<Scalar: TensorScalar>(logProbabilities: Tensor<Scalar>, labels: [Int]) -> Tensor<Scalar> {
    validate { try Shapes.classLabels(labels, scores: logProbabilities.shape, op: "nllLoss") }
    return -logProbabilities.gather(alongAxis: 1, indices: labels).mean()
}

/// Softmax cross-entropy, −(1/M) Σ_i log softmax(logits_i)_{y_i} (PyTorch's `cross_entropy`
/// with the mean reduction). `logits` is [M, C]; stable for any magnitude (log-softmax, no
/// clipping).
public func crossEntropy<Scalar: TensorScalar>(logits: Tensor<Scalar>, labels: [Int]) -> Tensor<Scalar> {
    validate { try Shapes.classLabels(labels, scores: logits.shape, op: "crossEntropy") }
    return nllLoss(logProbabilities: logits.logSoftmax(axis: -1), labels: labels)
}
