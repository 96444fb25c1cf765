import Autodiff
import Layers

/// Every intermediate of one CLD evaluation, for inspection and tests.
public struct CLDTerms<Scalar: TensorScalar> {
    /// ‖f_i − μ_c‖²: [M, C].
    public let squaredDistances: Tensor<Scalar>
    /// ω_ic = softmax_c δ(f_i, μ_c): [M, C], rows sum to 1 (detached unless gradients flow through ω).
    public let confidence: Tensor<Scalar>
    /// σ², the mean squared distance of the centres to their mean: a scalar (detached unless
    /// gradients flow through it).
    public let centerVariance: Tensor<Scalar>
    /// L_cld, a scalar.
    public let loss: Tensor<Scalar>
}

/// CLD, the confidence-based label-free discriminative loss (Documentation/Method.md, "CLD"):
///
///     ω_ic  = exp δ(f_i, μ_c) / Σ_c' exp δ(f_i, μ_c')
///     L_cld = Σ_i Σ_c ω_ic ‖f_i − μ_c‖² / (σ² M C),   σ² = (1/C) Σ_c ‖μ_c − μ̄‖²
///
/// The class centres μ (C x D) are its parameters (state-dict name `centers`, as in PyTorch
/// centre-loss code); labels are never used. Add it to any loss on features [M, D]:
///
///     let cld = CLDLoss<Float>(classCount: 7, featureCount: 512, generator: &rng)
///     let loss = crossEntropy(logits: logits, labels: labels) + cld(features)
///
/// Remember to give `cld.parameters` to the optimiser.
///
/// Gradient switches (the paper does not say): by default gradients flow through both ω and σ²,
/// i.e. the formula is differentiated as written. Measured on a toy problem (a two-layer ReLU
/// network trained with CE + CLD on noisy Gaussian clusters, 3 seeds x 1000 SGD steps; LRNTests
/// `CLDDefaultsExperiment`, table in Documentation/BuildingANoisyLabelModel.md):
/// - σ² in the graph makes L_cld invariant to a common scaling of features and centres and adds
///   a push of the centres apart; the centres' spread grew by 23–28 %. Detached, the loss is
///   smaller for smaller features, and descending it shrank features and centres together
///   (σ² −7 to −13 %): the drift towards the dead-ReLU collapse Method.md describes. Clean
///   accuracy was the same within one sample either way.
/// - The gradient through ω changed σ², feature norms and accuracy by less than 1 %: ω is
///   nearly one-hot at the scale of real features. Keeping it costs nothing measurable, so the
///   default stays with the formula as written.
/// Neither switch rescues centres initialised far below the feature scale (0.01·N(0, 1)
/// collapsed the features in 3 of 3 seeds detached and 2 of 3 in the graph): initialise at
/// the feature scale (`centerScale`).
public final class CLDLoss<Scalar: TensorScalar>: Module {
    /// μ: [C, D].
    public var centers: Tensor<Scalar>
    public var similarity: CLDSimilarity<Scalar>
    /// Let gradients flow through the confidences ω (else they act as constant weights).
    public var gradientThroughConfidence: Bool
    /// Let gradients flow through σ² (else it is a constant normaliser of each step).
    public var gradientThroughVariance: Bool
    public var isTraining = true

    public var classCount: Int { centers.shape[0] }
    public var featureCount: Int { centers.shape[1] }

    /// Centres drawn from N(0, centerScale²) per coordinate. Keep centerScale at the scale of
    /// the features: N(0, 1) suits post-ReLU pooled features of a BatchNorm network (Method.md:
    /// centres at 0.01 made σ² ≈ 0.01 and the first SGD steps blew up).
    public init(classCount: Int, featureCount: Int, similarity: CLDSimilarity<Scalar> = .negativeSquaredEuclidean,
                gradientThroughConfidence: Bool = true, gradientThroughVariance: Bool = true,
                centerScale: Scalar = 1, generator: inout RandomGenerator) {
        precondition(classCount > 1 && featureCount > 0,
                     "CLDLoss: needs classCount > 1 (σ² is a spread among centres) and featureCount > 0, got \(classCount) and \(featureCount)")
        centers = Tensor(randomNormal: [classCount, featureCount], std: centerScale, generator: &generator, requiresGrad: true)
        self.similarity = similarity
        self.gradientThroughConfidence = gradientThroughConfidence
        self.gradientThroughVariance = gradientThroughVariance
    }

    /// L_cld for features [M, D].
    public func callAsFunction(_ features: Tensor<Scalar>) -> Tensor<Scalar> { terms(features).loss }

    /// L_cld and its intermediates.
    public func terms(_ features: Tensor<Scalar>) -> CLDTerms<Scalar> {
        precondition(features.rank == 2 && features.shape[1] == featureCount,
                     "CLDLoss: expected features [M, \(featureCount)], got \(shapeString(features.shape))")
        let m = features.shape[0], c = classCount
        let distances = Self.squaredDistances(features: features, centers: centers)
        let similarities = similarity.evaluate(features: features, centers: centers, squaredDistances: distances)
        var confidence = similarities.softmax(axis: 1)
        if !gradientThroughConfidence { confidence = confidence.detached() }
        var variance = Self.centerVariance(centers)
        if !gradientThroughVariance { variance = variance.detached() }
        let loss = (confidence * distances).sum() / (variance * Scalar(m * c))
        return CLDTerms(squaredDistances: distances, confidence: confidence, centerVariance: variance, loss: loss)
    }

    /// ‖f_i − μ_c‖² from the differences themselves ([M, C, D]), not from ‖f‖² − 2f·μ + ‖μ‖²,
    /// whose cancellation leaves rounding noise where a feature sits on a centre.
    public static func squaredDistances(features: Tensor<Scalar>, centers: Tensor<Scalar>) -> Tensor<Scalar> {
        let m = features.shape[0], d = features.shape[1], c = centers.shape[0]
        precondition(centers.rank == 2 && centers.shape[1] == d,
                     "CLDLoss.squaredDistances: features \(shapeString(features.shape)) and centres \(shapeString(centers.shape)) differ in feature size")
        return (features.reshaped([m, 1, d]) - centers.reshaped([1, c, d])).squared().sum(axis: 2)
    }

    /// σ² = (1/C) Σ_c ‖μ_c − μ̄‖²: a scalar.
    public static func centerVariance(_ centers: Tensor<Scalar>) -> Tensor<Scalar> {
        (centers - centers.mean(axis: 0, keepDims: true)).squared().sum(axis: 1).mean()
    }
}
