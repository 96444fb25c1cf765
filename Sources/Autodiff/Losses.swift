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

extension Shapes {
    /// `crossEntropy(logits:labels:labelSmoothing:)`: ε in [0, 1) (1 would ignore the labels).
    public static func labelSmoothing(_ epsilon: Double) throws {
        guard epsilon >= 0, epsilon < 1 else {
            throw ShapeError("crossEntropy", "labelSmoothing \(epsilon) is outside [0, 1)")
        }
    }

    /// `generalizedCrossEntropy`: q in (0, 1] (q → 0 is cross-entropy, q = 1 the mean absolute error).
    public static func generalizedCrossEntropyExponent(_ q: Double) throws {
        guard q > 0, q <= 1 else {
            throw ShapeError("generalizedCrossEntropy", "q \(q) is outside (0, 1]")
        }
    }
}

/// Softmax cross-entropy against smoothed targets, PyTorch's `cross_entropy(label_smoothing: ε)`
/// with the mean reduction: the target of row i is (1 − ε)·onehot(y_i) + ε/C on every class, so
///
///     loss = (1 − ε)·(−(1/M) Σ_i log p_{i,y_i}) + ε·(−(1/(M C)) Σ_i Σ_c log p_{i,c})
///
/// with p = softmax(logits) over C classes. ε = 0 is `crossEntropy(logits:labels:)`; ε must be
/// in [0, 1) (a programmer error otherwise; `Shapes.labelSmoothing` checks first).
public func crossEntropy<Scalar: TensorScalar>(logits: Tensor<Scalar>, labels: [Int], labelSmoothing epsilon: Double) -> Tensor<Scalar> {
    validate {
        try Shapes.labelSmoothing(epsilon)
        try Shapes.classLabels(labels, scores: logits.shape, op: "crossEntropy")
    }
    let logProbabilities = logits.logSoftmax(axis: -1)
    let labelled = nllLoss(logProbabilities: logProbabilities, labels: labels)
    guard epsilon > 0 else { return labelled }
    // The uniform part: the mean over all M·C entries is (1/M) Σ_i (1/C) Σ_c.
    let uniform = -logProbabilities.mean()
    return labelled * Scalar(1 - epsilon) + uniform * Scalar(epsilon)
}

/// Generalised cross-entropy (Zhang & Sabuncu, 2018), (1/M) Σ_i (1 − p_{i,y_i}^q) / q with
/// p = softmax(logits): cross-entropy as q → 0, the mean absolute error at q = 1; in between it
/// weighs down the samples the model finds unlikely, which are often the mislabelled ones.
/// Zhang & Sabuncu use q = 0.7. q must be in (0, 1] (a programmer error otherwise;
/// `Shapes.generalizedCrossEntropyExponent` checks first). p^q is taken as exp(q·log p), from
/// log-softmax, so a class far below the others has a finite gradient.
public func generalizedCrossEntropy<Scalar: TensorScalar>(logits: Tensor<Scalar>, labels: [Int], q: Double = 0.7) -> Tensor<Scalar> {
    validate {
        try Shapes.generalizedCrossEntropyExponent(q)
        try Shapes.classLabels(labels, scores: logits.shape, op: "generalizedCrossEntropy")
    }
    let logLabelled = logits.logSoftmax(axis: -1).gather(alongAxis: 1, indices: labels)
    return ((1 - (logLabelled * Scalar(q)).exp()) / Scalar(q)).mean()
}
