import Autodiff
import Layers

/// The loss of one batch and its parts (for logging).
public struct LRNLoss<Scalar: TensorScalar> {
    /// What to call `backward()` on: classification + λ₁ · discriminative.
    public let total: Tensor<Scalar>
    /// L_cls (HUM objectives) or plain cross-entropy on FC1 (CE objectives).
    public let classification: Tensor<Scalar>
    /// L_cld, unweighted (nil when the objective has no CLD term).
    public let discriminative: Tensor<Scalar>?
}

/// LRN: any feature extractor + the HUM head + the CLD loss, trained with one of the four
/// objectives of the paper's ablation.
///
///     var rng = RandomGenerator(seed: 0)
///     let model = LRNModel(backbone: ResNet18<Float>(classCount: nil, generator: &rng),
///                          classCount: 7, objective: .humWithCLD, generator: &rng)
///     let loss = model.loss(images, labels: labels, generator: &rng)
///     loss.total.backward()                         // then an optimiser step on model.parameters
///     let answer = model.predict(testImages, generator: &rng)   // probabilities, classes, uncertainty
///
/// Parameters are named `backbone.*`, `head.fc1.*`, `head.fc2.*` and `cld.centers`. The CE
/// objectives leave FC2 and (for plain CE) the centres without gradients; they are still part
/// of the model, so every objective has the same state dict.
public final class LRNModel<Backbone: FeatureExtractor>: Module {
    public typealias Scalar = Backbone.Scalar

    public let backbone: Backbone
    public let head: HeteroscedasticHead<Scalar>
    public let cld: CLDLoss<Scalar>
    public var objective: Objective
    /// λ₁, the weight of L_cld. Paper: 1.
    public var cldWeight: Scalar
    /// How `predict` forms probabilities for the HUM objectives (the CE objectives always use
    /// softmax(d), the baseline's own prediction).
    public var predictionMethod: LRNPrediction<Scalar>.Method = .monteCarlo

    public var classCount: Int { head.classCount }

    public init(backbone: Backbone, classCount: Int, objective: Objective = .humWithCLD, cldWeight: Scalar = 1,
                covariance: CovarianceForm = .full, generator: inout RandomGenerator) {
        self.backbone = backbone
        self.objective = objective
        self.cldWeight = cldWeight
        head = HeteroscedasticHead(featureCount: backbone.featureDimension, classCount: classCount,
                                   covariance: covariance, generator: &generator)
        cld = CLDLoss(classCount: classCount, featureCount: backbone.featureDimension, generator: &generator)
    }

    /// Backbone and head parameters: everything but the CLD centres, for an optimiser that
    /// gives the centres their own learning rate (Method.md names that as one way to keep
    /// badly scaled centres from blowing up).
    public var networkParameters: [Tensor<Scalar>] { backbone.parameters + head.parameters }

    /// The objective's loss on a batch of images.
    public func loss(_ images: Tensor<Scalar>, labels: [Int], generator: inout RandomGenerator) -> LRNLoss<Scalar> {
        loss(features: backbone.features(images), labels: labels, generator: &generator)
    }

    /// The objective's loss on features [M, D] already computed by the backbone.
    public func loss(features: Tensor<Scalar>, labels: [Int], generator: inout RandomGenerator) -> LRNLoss<Scalar> {
        let draws = objective.usesHUM ? head.draws(batchSize: features.shape[0], generator: &generator) : nil
        return loss(features: features, labels: labels, draws: draws)
    }

    /// The loss with given draws (required for the HUM objectives): deterministic, for tests.
    public func loss(features: Tensor<Scalar>, labels: [Int], draws: LogitNoiseDraws<Scalar>?) -> LRNLoss<Scalar> {
        let classification: Tensor<Scalar>
        if objective.usesHUM {
            guard let draws else { fatalError("LRNModel.loss: objective \(objective) needs noise draws") }
            classification = head.loss(head(features), labels: labels, draws: draws)
        } else {
            classification = crossEntropy(logits: head.fc1(features), labels: labels)
        }
        guard objective.usesCLD else {
            return LRNLoss(total: classification, classification: classification, discriminative: nil)
        }
        let discriminative = cld(features)
        return LRNLoss(total: classification + discriminative * cldWeight, classification: classification,
                       discriminative: discriminative)
    }

    /// Probabilities, predicted classes and uncertainty for a batch of images, without a tape.
    /// Switch the model to evaluation mode first (`isTraining = false`) for BatchNorm statistics
    /// and the evaluation sample count.
    public func predict(_ images: Tensor<Scalar>, generator: inout RandomGenerator) -> LRNPrediction<Scalar> {
        let features = Graph.withoutRecording { backbone.features(images) }
        return predict(features: features, generator: &generator)
    }

    /// The same from features [M, D].
    public func predict(features: Tensor<Scalar>, generator: inout RandomGenerator) -> LRNPrediction<Scalar> {
        let draws = objective.usesHUM && predictionMethod == .monteCarlo
            ? head.draws(batchSize: features.shape[0], generator: &generator) : nil
        return Graph.withoutRecording {
            guard objective.usesHUM else {
                return LRNPrediction(probabilities: head.fc1(features).softmax(axis: -1), covariance: nil)
            }
            let output = head(features)
            guard let draws else {
                return LRNPrediction(probabilities: (output.meanLogits * (1 / head.temperature)).softmax(axis: -1),
                                     covariance: output.covariance)
            }
            let samples = head.scaledSampleLogits(output, draws: draws).softmax(axis: -1)
            return LRNPrediction(probabilities: samples.mean(axis: 1), covariance: output.covariance,
                                 sampleProbabilities: samples)
        }
    }
}
