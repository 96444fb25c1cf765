import Autodiff
import Layers

/// A loss on a batch of logits [M, C] and labels: what `Classifier` trains with. Conform your
/// own (a noise-robust loss, label smoothing) or wrap a function in `ClassificationLossFunction`.
public protocol ClassificationLoss {
    /// How the loss names itself in the model summary and the checkpoint fingerprint, with every
    /// setting that changes it ("generalised cross-entropy (q = 0.7)").
    var name: String { get }
    /// The scalar loss, recorded for `backward()`.
    func loss(logits: Tensor<Float>, labels: [Int]) -> Tensor<Float>
}

/// Softmax cross-entropy (Autodiff's `crossEntropy`): the baseline.
public struct CrossEntropyLoss: ClassificationLoss {
    public init() {}
    public var name: String { "cross-entropy" }
    public func loss(logits: Tensor<Float>, labels: [Int]) -> Tensor<Float> {
        crossEntropy(logits: logits, labels: labels)
    }
}

/// A loss given as a function of logits and labels.
public struct ClassificationLossFunction: ClassificationLoss {
    public let name: String
    private let body: (Tensor<Float>, [Int]) -> Tensor<Float>

    public init(name: String, _ body: @escaping (_ logits: Tensor<Float>, _ labels: [Int]) -> Tensor<Float>) {
        self.name = name
        self.body = body
    }

    public func loss(logits: Tensor<Float>, labels: [Int]) -> Tensor<Float> { body(logits, labels) }
}

/// Any backbone, a linear classifier on its features, and any loss on the logits: the model of
/// a baseline or of a new loss, ready for `Trainer` and `Comparison`. Parameters are named
/// `backbone.*` and `classifier.*`; evaluation predicts softmax(logits).
public final class Classifier<Backbone: FeatureExtractor>: TrainableModel where Backbone.Scalar == Float {
    public typealias Scalar = Float

    public let backbone: Backbone
    public let classifier: Linear<Float>
    public var lossFunction: any ClassificationLoss

    public init(backbone: Backbone, classCount: Int, loss: any ClassificationLoss = CrossEntropyLoss(),
                generator: inout RandomGenerator) {
        precondition(classCount >= 2, "Classifier: classCount must be at least 2, got \(classCount)")
        self.backbone = backbone
        classifier = Linear(inputSize: backbone.featureDimension, outputSize: classCount, generator: &generator)
        lossFunction = loss
    }

    public var classCount: Int { classifier.outputSize }

    /// Logits [M, C] of a batch.
    public func logits(_ input: Tensor<Float>) -> Tensor<Float> { classifier(backbone.features(input)) }

    public func trainingStep(images: Tensor<Float>, labels: [Int], generator: inout RandomGenerator) -> TrainingStepOutput {
        let logits = logits(images)
        return TrainingStepOutput(loss: lossFunction.loss(logits: logits, labels: labels), scores: logits)
    }

    public func probabilities(images: Tensor<Float>, generator: inout RandomGenerator) -> Tensor<Float> {
        logits(images).softmax(axis: -1)
    }

    public var architectureSummary: String {
        "\(type(of: backbone))(\(backbone.featureDimension)-d features) + linear classifier(C=\(classCount)), loss \(lossFunction.name)"
    }
}
