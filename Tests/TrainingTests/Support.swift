import Autodiff
import Foundation
import Layers
@testable import Training
@testable import Experiments

/// A one-hidden-layer perceptron with softmax cross-entropy: small enough to train in a test,
/// with momentum state in its optimiser, so resuming has something real to restore.
final class TinyModel: TrainableModel {
    typealias Scalar = Float
    let w1: Tensor<Float>, b1: Tensor<Float>, w2: Tensor<Float>, b2: Tensor<Float>
    var isTraining = true
    let classCount: Int
    /// Makes the loss non-finite from this call on (for the NaN test).
    var poisonAfterCalls: Int?
    private var calls = 0

    init(features: Int, hidden: Int, classes: Int, seed: UInt64) {
        var g = RandomGenerator(seed: seed)
        w1 = Tensor(randomNormal: [features, hidden], std: Float(1 / Double(features).squareRoot()), generator: &g, requiresGrad: true)
        b1 = Tensor(zeros: [hidden], requiresGrad: true)
        w2 = Tensor(randomNormal: [hidden, classes], std: Float(1 / Double(hidden).squareRoot()), generator: &g, requiresGrad: true)
        b2 = Tensor(zeros: [classes], requiresGrad: true)
        classCount = classes
    }

    var namedParameters: [(name: String, tensor: Tensor<Float>)] { [("fc1.weight", w1), ("fc1.bias", b1), ("fc2.weight", w2), ("fc2.bias", b2)] }
    var namedBuffers: [(name: String, tensor: Tensor<Float>)] { [] }
    var architectureSummary: String { "TinyMLP(\(w1.shape[0])-\(w1.shape[1])-\(classCount))" }

    func logits(_ x: Tensor<Float>) -> Tensor<Float> { ((x.matmul(w1) + b1).relu()).matmul(w2) + b2 }

    func trainingStep(images: Tensor<Float>, labels: [Int], generator: inout RandomGenerator) -> TrainingStepOutput {
        calls += 1
        let z = logits(images)
        var oneHot = [Float](repeating: 0, count: labels.count * classCount)
        for (i, y) in labels.enumerated() { oneHot[i * classCount + y] = 1 }
        var loss = -(z.logSoftmax(axis: 1) * Tensor(shape: [labels.count, classCount], scalars: oneHot)).sum() / Float(labels.count)
        if let poison = poisonAfterCalls, calls > poison { loss = loss * Float.nan }
        return TrainingStepOutput(loss: loss, scores: z.detached())
    }

    func probabilities(images: Tensor<Float>, generator: inout RandomGenerator) -> Tensor<Float> {
        logits(images).softmax(axis: 1)
    }
}

/// Three Gaussian blobs in 4 dimensions, seeded.
func blobs(seed: UInt64, train: Int = 90, test: Int = 30) throws -> InMemoryDataSource {
    var g = RandomGenerator(seed: seed)
    let centres: [[Float]] = [[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0]]
    func sample(_ n: Int) -> (Tensor<Float>, [Int]) {
        var values: [Float] = [], labels: [Int] = []
        for i in 0..<n {
            let c = i % 3
            labels.append(c)
            values += centres[c].map { $0 + Float(g.normal()) * 0.7 }
        }
        return (Tensor(shape: [n, 4], scalars: values), labels)
    }
    let (xTrain, yTrain) = sample(train), (xTest, yTest) = sample(test)
    return try InMemoryDataSource(classNames: ["alpha", "beta", "gamma"], trainSamples: xTrain, trainLabels: yTrain,
                                  testSamples: xTest, testLabels: yTest)
}

/// A fresh empty folder under the system's temporary directory.
func temporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("training-tests-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Softmax regression on flattened pixels: the smallest model that reads real image batches.
final class PixelLinearModel: TrainableModel {
    typealias Scalar = Float
    let weight: Tensor<Float>, bias: Tensor<Float>
    var isTraining = true
    let classCount: Int

    init(inputCount: Int, classes: Int, seed: UInt64) {
        var g = RandomGenerator(seed: seed)
        weight = Tensor(randomNormal: [inputCount, classes], std: Float(0.1 / Double(inputCount).squareRoot()), generator: &g, requiresGrad: true)
        bias = Tensor(zeros: [classes], requiresGrad: true)
        classCount = classes
    }

    var namedParameters: [(name: String, tensor: Tensor<Float>)] { [("fc.weight", weight), ("fc.bias", bias)] }
    var namedBuffers: [(name: String, tensor: Tensor<Float>)] { [] }
    var architectureSummary: String { "PixelLinear(\(weight.shape[0])→\(classCount))" }

    func logits(_ images: Tensor<Float>) -> Tensor<Float> { images.flattened(from: 1).matmul(weight) + bias }

    func trainingStep(images: Tensor<Float>, labels: [Int], generator: inout RandomGenerator) -> TrainingStepOutput {
        let z = logits(images)
        var oneHot = [Float](repeating: 0, count: labels.count * classCount)
        for (i, y) in labels.enumerated() { oneHot[i * classCount + y] = 1 }
        let loss = -(z.logSoftmax(axis: 1) * Tensor(shape: [labels.count, classCount], scalars: oneHot)).sum() / Float(labels.count)
        return TrainingStepOutput(loss: loss, scores: z.detached())
    }

    func probabilities(images: Tensor<Float>, generator: inout RandomGenerator) -> Tensor<Float> {
        logits(images).softmax(axis: 1)
    }
}
