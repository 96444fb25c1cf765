import Autodiff
import Layers
import LRN
import Foundation

/// A backbone with the head and losses of one of the four objectives: CE (a linear classifier,
/// softmax cross-entropy), CE + CLD, HUM (the heteroscedastic head, L_cls), HUM + CLD (LRN).
/// State-dict names: `backbone.…`, `head.fc1.…` (and `head.fc2.…` for HUM), `cld.centers`.
public final class ExpressionClassifier: TrainableModel {
    public typealias Scalar = Float

    public let method: Method
    public let backbone: ResNet<Float>
    public let backboneName: String
    /// CE's classifier (the mean-logit layer FC1 of the paper's baseline).
    public let linear: Linear<Float>?
    public let hum: HeteroscedasticHead<Float>?
    public let cld: CLDLoss<Float>?
    public let lambda: Float

    public var isTraining = true {
        didSet {
            backbone.isTraining = isTraining
            linear?.isTraining = isTraining
            hum?.isTraining = isTraining
            cld?.isTraining = isTraining
        }
    }

    public init(method: Method, backbone: ResNet<Float>, backboneName: String, classCount: Int,
                trainingMCSamples: Int, evaluationMCSamples: Int, temperature: Float, lambda: Float,
                generator: inout RandomGenerator) {
        self.method = method
        self.backbone = backbone
        self.backboneName = backboneName
        self.lambda = lambda
        let d = backbone.featureDimension
        if method.usesHUM {
            hum = HeteroscedasticHead(featureCount: d, classCount: classCount, temperature: temperature,
                                      trainingSampleCount: trainingMCSamples, evaluationSampleCount: evaluationMCSamples,
                                      generator: &generator)
            linear = nil
        } else {
            linear = Linear(inputSize: d, outputSize: classCount, generator: &generator)
            hum = nil
        }
        cld = method.usesCLD ? CLDLoss(classCount: classCount, featureCount: d, generator: &generator) : nil
    }

    public var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        var all = prefixed("backbone", backbone.namedParameters)
        if let linear { all += prefixed("head.fc1", linear.namedParameters) }
        if let hum { all += prefixed("head", hum.namedParameters) }
        if let cld { all += prefixed("cld", cld.namedParameters) }
        return all
    }

    public var namedBuffers: [(name: String, tensor: Tensor<Float>)] {
        prefixed("backbone", backbone.namedBuffers)
    }

    public var architectureSummary: String {
        var parts = [backboneName + "(\(backbone.featureDimension)-d features)"]
        if let hum { parts.append("HUM(C=\(hum.classCount), \(hum.covarianceForm), S=\(hum.trainingSampleCount), T=\(hum.temperature))") }
        if let linear { parts.append("Linear(\(linear.inputSize)→\(linear.outputSize))") }
        if cld != nil { parts.append("CLD(λ₁=\(lambda))") }
        return parts.joined(separator: " + ")
    }

    public func trainingStep(images: Tensor<Float>, labels: [Int], generator: inout RandomGenerator) -> TrainingStepOutput {
        let features = backbone.features(images)
        var loss: Tensor<Float>
        let scores: Tensor<Float>
        if let hum {
            let output = hum(features)
            loss = hum.loss(output, labels: labels, draws: hum.draws(batchSize: labels.count, generator: &generator))
            scores = output.meanLogits.detached()
        } else {
            let logits = linear!(features)
            loss = softmaxCrossEntropy(logits: logits, labels: labels)
            scores = logits.detached()
        }
        if let cld { loss = loss + cld(features) * lambda }
        return TrainingStepOutput(loss: loss, scores: scores)
    }

    /// HUM: the Monte-Carlo estimate p'(x) with the evaluation sample count; CE: softmax of the logits.
    public func probabilities(images: Tensor<Float>, generator: inout RandomGenerator) -> Tensor<Float> {
        let features = backbone.features(images)
        if let hum { return hum.probabilities(features, generator: &generator) }
        return linear!(features).softmax(axis: -1)
    }

    /// Loads backbone weights from a safetensors file, leniently: a classifier (`fc.*`) in the
    /// file is ignored. Returns what was loaded; throws when nothing of the backbone matched.
    public func loadPretrainedBackbone(from url: URL) throws -> String {
        let report = try backbone.load(from: url, strict: false)
        guard !report.loaded.isEmpty else {
            throw TrainingError.invalidOption("--pretrained \(url.path): no tensor name matches the \(backboneName) backbone (expected torchvision names such as conv1.weight, layer1.0.bn1.running_mean)\n\(report)")
        }
        return "Pretrained backbone from \(url.path): \(report)"
    }
}

/// Builds the model of a run from its settings.
public enum ModelFactory {
    /// The examples' model builder: `make`, then the `--pretrained` backbone when given.
    public static let build: ModelBuilder<ExpressionClassifier> = { method, settings, classCount in
        let model = make(method: method, settings: settings, classCount: classCount)
        var notes: [String] = []
        if let pretrained = settings.pretrained {
            notes.append(try model.loadPretrainedBackbone(from: URL(fileURLWithPath: pretrained)))
        }
        return (model, notes)
    }

    /// A fresh model; every initial weight comes from the run's seed.
    public static func make(method: Method, settings: ExperimentSettings, classCount: Int) -> ExpressionClassifier {
        var generator = RandomGenerator(seed: settings.seed ^ 0x4D4F_4445_4C00)
        let backbone: ResNet<Float>
        switch settings.backbone {
        case .resnet18: backbone = ResNet18<Float>(classCount: nil, generator: &generator)
        case .small: backbone = SmallResNet<Float>(classCount: nil, generator: &generator)
        }
        return ExpressionClassifier(method: method, backbone: backbone, backboneName: settings.backbone == .resnet18 ? "ResNet18" : "SmallResNet",
                                    classCount: classCount, trainingMCSamples: settings.trainingMCSamples,
                                    evaluationMCSamples: settings.evaluationMCSamples, temperature: Float(settings.temperature),
                                    lambda: Float(settings.lambda), generator: &generator)
    }
}
