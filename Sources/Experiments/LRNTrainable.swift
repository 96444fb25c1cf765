import Autodiff
import Foundation
import Layers
import LRN
import Training

/// LRN's model as the loop sees it: the objective's total loss, FC1's logits as the running
/// training prediction, and `predict`'s probabilities (Monte-Carlo for HUM) for evaluation.
extension LRNModel: TrainableModel where Backbone.Scalar == Float {
    public func trainingStep(images: Tensor<Float>, labels: [Int], generator: inout RandomGenerator) -> TrainingStepOutput {
        let features = backbone.features(images)
        let loss = self.loss(features: features, labels: labels, generator: &generator)
        let scores = Graph.withoutRecording { head.fc1(features) }
        return TrainingStepOutput(loss: loss.total, scores: scores)
    }

    public func probabilities(images: Tensor<Float>, generator: inout RandomGenerator) -> Tensor<Float> {
        predict(images, generator: &generator).probabilities
    }

    public var architectureSummary: String {
        var parts = ["\(type(of: backbone))(\(backbone.featureDimension)-d features)",
                     "head(C=\(classCount), \(head.covarianceForm))"]
        if objective.usesHUM { parts.append("HUM(S=\(head.trainingSampleCount), T=\(head.temperature))") }
        if objective.usesCLD { parts.append("CLD(λ₁=\(cldWeight))") }
        return parts.joined(separator: " + ") + ", objective \(objective)"
    }
}

/// Builds the model of a run from its settings.
public enum ModelFactory {
    public typealias Model = LRNModel<ResNet<Float>>

    /// The examples' model builder: `make`, then the `--pretrained` backbone when given.
    public static let build: ModelBuilder<Model> = { method, settings, classCount in
        let model = make(method: method, settings: settings, classCount: classCount)
        var notes: [String] = []
        if let pretrained = settings.pretrained {
            notes.append(try loadPretrainedBackbone(model, from: URL(fileURLWithPath: pretrained)))
        }
        return (model, notes)
    }

    /// A fresh model; every initial weight comes from the run's seed.
    public static func make(method: MethodName, settings: ExperimentSettings, classCount: Int) -> Model {
        guard let objective = method.objective else {
            preconditionFailure("ModelFactory.make: \(method) is not one of the paper's objectives \(MethodName.paper)")
        }
        var generator = RandomGenerator(seed: Seeds.derive(settings.seed, Seeds.Purpose.modelInitialization))
        let backbone: ResNet<Float>
        switch settings.backbone {
        case .resnet18: backbone = ResNet18<Float>(classCount: nil, generator: &generator)
        case .small: backbone = SmallResNet<Float>(classCount: nil, generator: &generator)
        }
        if settings.zeroInitResidual { backbone.zeroInitializeResidualScales() }
        let model = LRNModel(backbone: backbone, classCount: classCount, objective: objective,
                             cldWeight: Float(settings.lambda), generator: &generator)
        model.head.temperature = Float(settings.temperature)
        model.head.trainingSampleCount = settings.trainingMCSamples
        model.head.evaluationSampleCount = settings.evaluationMCSamples
        model.predictionMethod = settings.prediction == .mc ? .monteCarlo : .meanLogits
        if let scale = settings.humInitialNoiseScale { model.head.initializeNoiseScale(Float(scale)) }
        // --cld-center-scale: the centres' N(0, 1) draw times the scale is an N(0, scale²) draw.
        if settings.cldCenterScale != 1 { for i in 0..<model.cld.centers.count { model.cld.centers.data[i] *= Float(settings.cldCenterScale) } }
        return model
    }

    /// Loads backbone weights leniently (a classifier `fc.*` in the file is ignored); refuses a
    /// file of which nothing matches. The backbone's names may stand alone (torchvision's) or
    /// under a prefix: the exported `model.safetensors` of one of our runs ("backbone.") or its
    /// `checkpoint.safetensors` ("model.backbone.").
    public static func loadPretrainedBackbone(_ model: Model, from url: URL) throws -> String {
        try RunPreflight.checkPretrained(url.path)
        let report: StateDictLoadReport
        var prefix = ""
        do {
            let file = try SafeTensorsFile(contentsOf: url)
            prefix = model.backbone.statePrefix(in: file) ?? ""
            report = try model.backbone.load(file, strict: false, source: url.path, prefix: prefix)
        } catch CheckpointError.nonFinite(_, let tensor, let problem) {
            throw TrainingError.nonFiniteTensor(path: url.path, what: "--pretrained", tensor: tensor, problem: problem)
        } catch {
            throw TrainingError.invalidOption("--pretrained \(url.path): \(error)")
        }
        guard !report.loaded.isEmpty else {
            throw TrainingError.invalidOption("--pretrained \(url.path): no tensor name matches the backbone (expected torchvision names such as conv1.weight, layer1.0.bn1.running_mean)\n\(report)")
        }
        return "Pretrained backbone from \(url.path)\(prefix.isEmpty ? "" : " (its tensors under \"\(prefix)\")"): \(report)"
    }
}
