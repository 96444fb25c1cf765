import Autodiff

/// The similarity δ(f_i, μ_c) behind CLD's confidence ω_ic = softmax_c δ(f_i, μ_c).
///
/// Built in: negative squared Euclidean distance (the default) and cosine similarity. Any other
/// differentiable function of features [M, D] and centres [C, D] to [M, C] can be supplied:
///
///     let scaledCosine = CLDSimilarity<Float>(name: "10·cosine") { f, mu in
///         CLDSimilarity<Float>.cosine.evaluate(features: f, centers: mu) * 10
///     }
public struct CLDSimilarity<Scalar: TensorScalar>: CustomStringConvertible {
    enum Kind {
        case negativeSquaredEuclidean
        case custom((Tensor<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>)
    }

    public let name: String
    let kind: Kind

    /// A user-supplied similarity: `function(features [M, D], centers [C, D]) -> [M, C]`.
    /// Gradients flow through whatever ops it uses.
    public init(name: String, _ function: @escaping (_ features: Tensor<Scalar>, _ centers: Tensor<Scalar>) -> Tensor<Scalar>) {
        self.name = name
        kind = .custom(function)
    }

    private init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// δ = −‖f − μ‖²: ω is then a softmax over negative squared distances, invariant to a
    /// common shift of features and centres. The default; the paper only says "a metric".
    public static var negativeSquaredEuclidean: CLDSimilarity {
        CLDSimilarity(name: "negative squared Euclidean", kind: .negativeSquaredEuclidean)
    }

    /// δ = f·μ / (‖f‖ ‖μ‖), in [−1, 1]. A zero vector gets similarity 0 (norms carry a 1e-12
    /// guard), not NaN.
    public static var cosine: CLDSimilarity {
        CLDSimilarity(name: "cosine") { features, centers in
            let f = features / ((features.squared().sum(axis: 1, keepDims: true) + Scalar(1e-12)).sqrt())
            let mu = centers / ((centers.squared().sum(axis: 1, keepDims: true) + Scalar(1e-12)).sqrt())
            return Tensor.matmul(f, transposeA: false, mu, transposeB: true)
        }
    }

    /// δ for every feature and centre: [M, C].
    public func evaluate(features: Tensor<Scalar>, centers: Tensor<Scalar>) -> Tensor<Scalar> {
        evaluate(features: features, centers: centers, squaredDistances: nil)
    }

    /// Reuses already computed squared distances [M, C] when the metric is Euclidean.
    func evaluate(features: Tensor<Scalar>, centers: Tensor<Scalar>, squaredDistances: Tensor<Scalar>?) -> Tensor<Scalar> {
        let m = features.shape[0], c = centers.shape[0]
        let result: Tensor<Scalar>
        switch kind {
        case .negativeSquaredEuclidean:
            result = -(squaredDistances ?? CLDLoss<Scalar>.squaredDistances(features: features, centers: centers))
        case .custom(let function):
            result = function(features, centers)
        }
        precondition(result.shape == [m, c],
                     "CLDSimilarity \"\(name)\": returned shape \(shapeString(result.shape)), expected [\(m), \(c)] (features \(shapeString(features.shape)), centres \(shapeString(centers.shape)))")
        return result
    }

    public var description: String { name }
}
