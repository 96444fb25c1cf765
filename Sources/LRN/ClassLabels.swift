import Autodiff

/// Checks a batch of class labels before a loss uses them.
enum ClassLabels {
    /// Stops with a message naming the caller, the offending position and value when a label
    /// is out of range or the count differs from the batch size. A programmer error: labels from
    /// files are checked against the class count when the data set is loaded (FERDataError).
    static func validate(_ labels: [Int], batchSize: Int, classCount: Int, in caller: String) {
        precondition(labels.count == batchSize,
                     "\(caller): \(labels.count) labels for a batch of \(batchSize) items")
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            preconditionFailure("\(caller): label \(labels[bad]) at batch position \(bad) is outside 0..<\(classCount) (class count)")
        }
    }
}

/// The paper's baseline L_ce on FC1's logits: Autodiff's `crossEntropy`, under its old name.
@available(*, deprecated, renamed: "crossEntropy(logits:labels:)")
public func softmaxCrossEntropy<Scalar: TensorScalar>(logits: Tensor<Scalar>, labels: [Int]) -> Tensor<Scalar> {
    crossEntropy(logits: logits, labels: labels)
}
