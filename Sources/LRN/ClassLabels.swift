import Autodiff

/// Checks a batch of class labels before a loss uses them.
enum ClassLabels {
    /// Stops with a message naming the caller, the offending position and value when a label
    /// is out of range or the count differs from the batch size.
    static func validate(_ labels: [Int], batchSize: Int, classCount: Int, in caller: String) {
        precondition(labels.count == batchSize,
                     "\(caller): \(labels.count) labels for a batch of \(batchSize) items")
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            fatalError("\(caller): label \(labels[bad]) at batch position \(bad) is outside 0..<\(classCount) (class count)")
        }
    }
}

/// Plain softmax cross-entropy, −(1/M) Σ_i log softmax(logits_i)_{y_i}: the paper's baseline
/// L_ce on FC1's logits. `logits` is [M, C]; stable for any magnitude (log-softmax, no clipping).
public func softmaxCrossEntropy<Scalar: TensorScalar>(logits: Tensor<Scalar>, labels: [Int]) -> Tensor<Scalar> {
    precondition(logits.rank == 2, "softmaxCrossEntropy: logits must be [M, C], got \(shapeString(logits.shape))")
    ClassLabels.validate(labels, batchSize: logits.shape[0], classCount: logits.shape[1], in: "softmaxCrossEntropy")
    return -logits.logSoftmax(axis: -1).gather(alongAxis: 1, indices: labels).mean()
}
