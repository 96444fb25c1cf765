import Autodiff

/// A model's answer for a batch: class probabilities, the predicted class, and how uncertain
/// each answer is. Computed without a tape.
public struct LRNPrediction<Scalar: TensorScalar> {
    /// [M, C]; rows sum to 1.
    public let probabilities: Tensor<Scalar>
    /// argmax of each row.
    public let predictedClasses: [Int]
    /// −Σ_c p_c log p_c per item (nats; 0 ≤ H ≤ log C).
    public let predictiveEntropy: [Scalar]
    /// cov(x) = L Lᵀ of the logit noise, [M, C, C] (HUM objectives only).
    public let covariance: Tensor<Scalar>?
    /// Variance over the Monte-Carlo draws of softmax(z_s)_k at the predicted class k
    /// (HUM objectives with Monte-Carlo prediction only).
    public let winningClassVariance: [Scalar]?

    /// How predictions are formed from the head.
    public enum Method: Sendable {
        /// p' = mean over S draws of softmax(logits_s / T) (the paper's prediction; S = the
        /// head's evaluation sample count). Gives `winningClassVariance`.
        case monteCarlo
        /// softmax(d(x) / T): no sampling, cheaper, and the same argmax as long as the noise does
        /// not move it.
        case meanLogits
    }

    /// Probabilities → classes and entropies; `sampleProbabilities` ([M, S, C]) adds the MC variance.
    init(probabilities: Tensor<Scalar>, covariance: Tensor<Scalar>?, sampleProbabilities: Tensor<Scalar>? = nil) {
        let m = probabilities.shape[0], c = probabilities.shape[1]
        self.probabilities = probabilities
        self.covariance = covariance
        let classes = probabilities.argmax(axis: 1)
        predictedClasses = classes
        predictiveEntropy = (0..<m).map { i in
            var h = 0.0
            for k in 0..<c {
                let p = Double(probabilities.data[i * c + k])
                if p > 0 { h -= p * LibM.log(p) }
            }
            return Scalar(h)
        }
        if let samples = sampleProbabilities {
            let s = samples.shape[1]
            winningClassVariance = (0..<m).map { i in
                let k = classes[i]
                var sum = 0.0, squares = 0.0
                for j in 0..<s {
                    let p = Double(samples.data[(i * s + j) * c + k])
                    sum += p
                    squares += p * p
                }
                let mean = sum / Double(s)
                return Scalar(Swift.max(0, squares / Double(s) - mean * mean))
            }
        } else {
            winningClassVariance = nil
        }
    }
}
