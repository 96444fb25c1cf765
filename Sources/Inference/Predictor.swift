import Autodiff
import FERData
import Foundation
import Layers
import LRN

/// One image's answer.
public struct ImagePrediction: Sendable, Codable, Equatable {
    public var path: String
    /// The true class, when the image's folder is named after a class.
    public var trueLabel: Int?
    public var predicted: Int
    /// p' (HUM, Monte-Carlo), softmax(d/T) (HUM, mean) or softmax(d) (CE objectives).
    public var probabilities: [Double]
    /// H(probabilities) in nats.
    public var entropy: Double
    /// HUM objectives only.
    public var covariance: CovarianceSummary?

    enum CodingKeys: String, CodingKey {
        case path, trueLabel = "true_label", predicted, probabilities, entropy, covariance
    }

    public var confidence: Double { probabilities[predicted] }
    public var isCorrect: Bool? { trueLabel.map { $0 == predicted } }
}

/// Predicts with a loaded model: images are resized and normalised as in training (the
/// metadata's size, mean and std), then the backbone runs in batches and the head per image.
/// Each image's Monte-Carlo draws come from (seed, its position in the input list), so results
/// do not depend on the batch size.
public final class Predictor {
    public enum Mode: String, Sendable, CaseIterable {
        /// p' = mean over S draws of softmax((d + Lε)/T), the paper's prediction.
        case mc
        /// softmax(d/T): no sampling (no noise share).
        case mean
    }

    public let loaded: LoadedModel
    public let mode: Mode
    public let sampleCount: Int
    public let transform: ImageTransform
    /// The backbone with its batch norms folded into its convolutions (same features up to
    /// rounding, fewer passes over memory), made once here: a snapshot of `loaded`'s weights.
    let foldedBackbone: InferenceResNet<Float>

    public init(_ loaded: LoadedModel, mode: Mode = .mc, sampleCount: Int? = nil) throws {
        if let sampleCount, sampleCount < 1 { throw InferenceError.invalidOption("--mc-samples must be at least 1, got \(sampleCount)") }
        self.loaded = loaded
        self.mode = mode
        self.sampleCount = sampleCount ?? loaded.metadata.sampleCount
        let m = loaded.metadata
        transform = ImageTransform(size: m.imageSize, mean: m.mean, std: m.std)
        loaded.model.isTraining = false
        foldedBackbone = loaded.model.backbone.foldedForInference()
    }

    public var classNames: [String] { loaded.metadata.classNames }

    /// Predictions for decoded images; `positions[i]` (the image's index in the whole input
    /// list) seeds its draws.
    public func predict(_ images: [RGBImage], inputs: [ImageInput], positions: [Int], seed: UInt64) -> [ImagePrediction] {
        precondition(images.count == inputs.count && images.count == positions.count,
                     "Predictor.predict: \(images.count) images, \(inputs.count) inputs, \(positions.count) positions")
        guard !images.isEmpty else { return [] }
        let features = foldedBackbone.features(transform.batch(images))
        return images.indices.map { i in
            let row = Graph.withoutRecording { features.slice(axis: 0, range: i..<(i + 1)) }
            var generator = RandomGenerator(seed: Seeds.derive(seed, UInt64(positions[i])))
            return predictOne(features: row, input: inputs[i], generator: &generator)
        }
    }

    func predictOne(features: Tensor<Float>, input: ImageInput, generator: inout RandomGenerator) -> ImagePrediction {
        let head = loaded.model.head
        let c = head.classCount
        return Graph.withoutRecording {
            guard loaded.metadata.objective.usesHUM else {
                let p = head.fc1(features).softmax(axis: -1).scalars.map(Double.init)
                return ImagePrediction(path: input.path, trueLabel: input.trueLabel, predicted: argmax(p), probabilities: p,
                                       entropy: entropy(p), covariance: nil)
            }
            let output = head(features)
            let meanProbabilities = (output.meanLogits * (1 / head.temperature)).softmax(axis: -1).scalars.map(Double.init)
            var probabilities = meanProbabilities
            var sampledEntropy: Double?
            if mode == .mc {
                let draws = head.draws(batchSize: 1, sampleCount: sampleCount, generator: &generator)
                probabilities = head.scaledSampleLogits(output, draws: draws).softmax(axis: -1).mean(axis: 1).scalars.map(Double.init)
                sampledEntropy = entropy(probabilities)
            }
            let predicted = argmax(probabilities)
            let summary = CovarianceSummary(covariance: output.covariance.scalars.map(Double.init), classCount: c, winning: predicted,
                                            meanLogitProbabilities: meanProbabilities, predictiveEntropy: sampledEntropy)
            return ImagePrediction(path: input.path, trueLabel: input.trueLabel, predicted: predicted, probabilities: probabilities,
                                   entropy: entropy(probabilities), covariance: summary)
        }
    }
}

/// The first index of the largest value (NaN wins, so a broken prediction is not hidden).
func argmax(_ values: [Double]) -> Int {
    var best = 0
    for i in values.indices.dropFirst() where values[i] > values[best] || values[i].isNaN && !values[best].isNaN { best = i }
    return best
}
