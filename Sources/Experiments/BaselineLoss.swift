import Autodiff
import Foundation
import Layers
import LRN
import Training

/// A loss a user tries first against label noise, trained on the baseline's own model: the CE
/// objective's network (`ModelFactory.build(.ce, …)`, so the same initial weights at the same
/// seed and the same `--pretrained` handling) with another loss on FC1's logits. Only the loss
/// differs from the `ce` method, so a difference in results is the loss's.
public enum BaselineLoss: Equatable, Sendable {
    /// Cross-entropy with label smoothing ε (`crossEntropy(logits:labels:labelSmoothing:)`).
    case labelSmoothing(Double)
    /// Generalised cross-entropy with exponent q (`generalizedCrossEntropy`).
    case generalizedCrossEntropy(q: Double)

    /// The method's name (its run folder): `ce+ls0.1`, `gce0.7`. The setting is in the name, so
    /// runs with other settings never share a folder or pass for each other on `--resume`.
    public var methodName: MethodName {
        switch self {
        case .labelSmoothing(let epsilon): return MethodName("ce+ls\(epsilon)")
        case .generalizedCrossEntropy(let q): return MethodName("gce\(q)")
        }
    }

    /// The row title of a comparison table.
    public var title: String {
        switch self {
        case .labelSmoothing(let epsilon): return "CE + label smoothing \(epsilon)"
        case .generalizedCrossEntropy(let q): return "GCE q = \(q)"
        }
    }

    /// The loss `Classifier` and the loop see.
    public var classificationLoss: any ClassificationLoss {
        switch self {
        case .labelSmoothing(let epsilon): return LabelSmoothingCrossEntropyLoss(smoothing: epsilon)
        case .generalizedCrossEntropy(let q): return GeneralizedCrossEntropyLoss(q: q)
        }
    }

    /// The baseline's model for `settings` with this loss.
    public func makeModel(_ settings: ExperimentSettings, classCount: Int) throws -> (model: BaselineLossModel, notes: [String]) {
        let built = try ModelFactory.build(.ce, settings, classCount)
        return (BaselineLossModel(built.model, loss: classificationLoss), built.notes)
    }

    /// The settings that tell its runs apart: the loss, and the paper's method whose model it
    /// trains (the model file written after training predicts as that method's, `RunExport`).
    public var fingerprint: [String: String] { ["loss": classificationLoss.name, "model_method": MethodName.ce.rawValue] }

    /// This loss as a method a program offers to `--method` (`ExperimentRunner.run`'s `customMethods`).
    public var customMethod: CustomMethod {
        CustomMethod(name: methodName.rawValue, title: title, fingerprint: fingerprint) { settings, classCount in
            try makeModel(settings, classCount: classCount).model
        }
    }
}

/// The CE objective's model (backbone and FC1) trained with another loss on FC1's logits; it
/// predicts softmax(FC1) as the baseline does. State-dict names are the wrapped model's own.
public final class BaselineLossModel: TrainableModel {
    public typealias Scalar = Float
    public let model: ModelFactory.Model
    public let loss: any ClassificationLoss

    public init(_ model: ModelFactory.Model, loss: any ClassificationLoss) {
        precondition(model.objective == .crossEntropy, "BaselineLossModel: wraps the CE objective's model, got \(model.objective)")
        self.model = model
        self.loss = loss
    }

    public var namedChildren: [(name: String, module: any Module<Float>)] { model.namedChildren }

    public func logits(_ images: Tensor<Float>) -> Tensor<Float> { model.head.fc1(model.backbone.features(images)) }

    public func trainingStep(images: Tensor<Float>, labels: [Int], generator: inout RandomGenerator) -> TrainingStepOutput {
        let logits = logits(images)
        return TrainingStepOutput(loss: loss.loss(logits: logits, labels: labels), scores: logits.detached())
    }

    public func probabilities(images: Tensor<Float>, generator: inout RandomGenerator) -> Tensor<Float> {
        model.probabilities(images: images, generator: &generator)
    }

    public var architectureSummary: String { "\(model.architectureSummary), loss \(loss.name)" }
}
