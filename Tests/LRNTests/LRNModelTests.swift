import Autodiff
import Layers
import LRN
import Testing

/// A two-layer ReLU network as the backbone: any FeatureExtractor will do.
final class ToyBackbone<Scalar: TensorScalar>: FeatureExtractor {
    let layer1: Linear<Scalar>, layer2: Linear<Scalar>
    var isTraining = true
    var featureDimension: Int { layer2.outputSize }

    init(inputSize: Int, hidden: Int, featureDimension: Int, generator: inout RandomGenerator) {
        layer1 = Linear(inputSize: inputSize, outputSize: hidden, generator: &generator)
        layer2 = Linear(inputSize: hidden, outputSize: featureDimension, generator: &generator)
    }

    var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        prefixed("layer1", layer1.namedParameters) + prefixed("layer2", layer2.namedParameters)
    }
    var namedBuffers: [(name: String, tensor: Tensor<Scalar>)] { [] }
    func features(_ input: Tensor<Scalar>) -> Tensor<Scalar> { layer2(layer1(input).relu()).relu() }
}

@Suite struct LRNModelTests {
    static func model(_ objective: Objective, seed: UInt64 = 1) -> (LRNModel<ToyBackbone<Double>>, Tensor<Double>, [Int]) {
        var rng = RandomGenerator(seed: seed)
        let backbone = ToyBackbone<Double>(inputSize: 5, hidden: 8, featureDimension: 6, generator: &rng)
        let model = LRNModel(backbone: backbone, classCount: 3, objective: objective, generator: &rng)
        return (model, Tensor<Double>(randomNormal: [4, 5], generator: &rng), [0, 2, 1, 2])
    }

    @Test func objectivesOfTheAblation() {
        #expect(Objective.allCases.map(\.rawValue) == ["CE", "CE+CLD", "HUM", "HUM+CLD"])
        #expect(Objective.allCases.map(\.usesHUM) == [false, false, true, true])
        #expect(Objective.allCases.map(\.usesCLD) == [false, true, false, true])
    }

    @Test(arguments: Objective.allCases)
    func lossIsTheObjectivesSum(_ objective: Objective) {
        let (model, images, labels) = Self.model(objective)
        model.cldWeight = 0.5
        var rng = RandomGenerator(seed: 4)
        let draws = model.head.draws(batchSize: 4, sampleCount: 9, generator: &rng)
        let features = model.backbone.features(images)
        let loss = model.loss(features: features, labels: labels, draws: draws)
        let expectedClassification = objective.usesHUM
            ? model.head.loss(model.head(features), labels: labels, draws: draws).scalar
            : crossEntropy(logits: model.head.fc1(features), labels: labels).scalar
        #expect(abs(loss.classification.scalar - expectedClassification) < 1e-12)
        if objective.usesCLD {
            let cld = model.cld(features).scalar
            #expect(abs(loss.discriminative!.scalar - cld) < 1e-12)
            #expect(abs(loss.total.scalar - (expectedClassification + 0.5 * cld)) < 1e-12)
        } else {
            #expect(loss.discriminative == nil)
            #expect(loss.total.scalar == loss.classification.scalar)
        }
    }

    /// Float64 gradient check of the total loss of every objective through the backbone
    /// (input images and the first layer's weights) at fixed draws.
    @Test(arguments: Objective.allCases)
    func totalLossGradients(_ objective: Objective) {
        let (model, images, labels) = Self.model(objective, seed: 2)
        var rng = RandomGenerator(seed: 5)
        let draws = model.head.draws(batchSize: 4, sampleCount: 6, generator: &rng)
        let check = gradientCheck([images, model.backbone.layer1.weight, model.cld.centers], allowKinks: true) { x in
            model.backbone.layer1.weight = x[1]
            model.cld.centers = x[2]
            return model.loss(features: model.backbone.features(x[0]), labels: labels, draws: draws).total
        }
        #expect(check.passed, "\(objective): \(check)")
        #expect(check.checkedElements > 40)
    }

    @Test func gradientsReachExactlyTheObjectivesParameters() {
        for objective in Objective.allCases {
            let (model, images, labels) = Self.model(objective)
            var rng = RandomGenerator(seed: 6)
            model.loss(images, labels: labels, generator: &rng).total.backward()
            let withGradient = Set(model.namedParameters.filter { $0.tensor.grad != nil }.map(\.name))
            #expect(withGradient.contains("backbone.layer1.weight") && withGradient.contains("head.fc1.weight"))
            #expect(withGradient.contains("head.fc2.weight") == objective.usesHUM, "\(objective)")
            #expect(withGradient.contains("cld.centers") == objective.usesCLD, "\(objective)")
        }
    }

    @Test func parameterNamesAndModePropagation() {
        let (model, _, _) = Self.model(.humWithCLD)
        #expect(model.namedParameters.map(\.name) == [
            "backbone.layer1.weight", "backbone.layer1.bias", "backbone.layer2.weight", "backbone.layer2.bias",
            "head.fc1.weight", "head.fc1.bias", "head.fc2.weight", "head.fc2.bias", "cld.centers"])
        #expect(model.networkParameters.count == 8 && !model.networkParameters.contains { $0 === model.cld.centers })
        model.isTraining = false
        #expect(!model.backbone.isTraining && !model.head.isTraining && !model.cld.isTraining)
        #expect(model.head.sampleCount == model.head.evaluationSampleCount)
    }

    @Test(arguments: Objective.allCases)
    func predictionsAndUncertainty(_ objective: Objective) {
        let (model, images, _) = Self.model(objective)
        model.isTraining = false
        model.head.evaluationSampleCount = 200
        images.requiresGrad = true
        var rng = RandomGenerator(seed: 7)
        let answer = model.predict(images, generator: &rng)
        #expect(answer.probabilities.shape == [4, 3] && !answer.probabilities.isTracked)
        for i in 0..<4 {
            let row = (0..<3).map { answer.probabilities[i, $0] }
            #expect(abs(row.reduce(0, +) - 1) < 1e-12)
            #expect(answer.predictedClasses[i] == row.indices.max { row[$0] < row[$1] }!)
            let entropy = -row.reduce(0.0) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) }
            #expect(abs(answer.predictiveEntropy[i] - entropy) < 1e-12)
            #expect(answer.predictiveEntropy[i] >= 0 && answer.predictiveEntropy[i] <= Foundation.log(3.0) + 1e-12)
        }
        #expect((answer.covariance != nil) == objective.usesHUM)
        #expect((answer.winningClassVariance != nil) == objective.usesHUM)
        if let variance = answer.winningClassVariance {
            #expect(variance.allSatisfy { $0 >= 0 && $0 <= 0.25 })
        }
        if objective.usesHUM {
            model.predictionMethod = .meanLogits
            let deterministic = model.predict(images, generator: &rng)
            let expected = Graph.withoutRecording { (model.head.fc1(model.backbone.features(images)) / 0.7).softmax(axis: -1) }
            for (a, b) in zip(deterministic.probabilities.scalars, expected.scalars) { #expect(abs(a - b) < 1e-12) }
            #expect(deterministic.winningClassVariance == nil && deterministic.covariance != nil)
        }
    }

    @Test func winningClassVarianceIsTheSpreadOfTheDraws() {
        // Zero covariance: every draw gives the same softmax, so the MC variance is 0; a large
        // covariance spreads the draws.
        var rng = RandomGenerator(seed: 8)
        let backbone = ToyBackbone<Double>(inputSize: 5, hidden: 8, featureDimension: 6, generator: &rng)
        let model = LRNModel(backbone: backbone, classCount: 3, objective: .hum, generator: &rng)
        let images = Tensor<Double>(randomNormal: [4, 5], generator: &rng)
        model.head.fc2.weight.fill(0)
        model.head.fc2.bias!.fill(-50)  // diagonal softplus(−50) + 1e-3 ≈ 1e-3, off-diagonal −50
        model.head.fc2.bias!.data[1] = 0; model.head.fc2.bias!.data[3] = 0; model.head.fc2.bias!.data[4] = 0
        let quiet = model.predict(images, generator: &rng).winningClassVariance!
        #expect(quiet.allSatisfy { $0 < 1e-4 })
        model.head.fc2.bias!.fill(5)
        let noisy = model.predict(images, generator: &rng).winningClassVariance!
        #expect(noisy.allSatisfy { $0 > 0.01 })
    }

    @Test func lrnLearnsAToyProblem() {
        let data = ToyProblems.clusters(classCount: 3, perClass: 32, dimension: 5, separation: 2, spread: 0.7, seed: 31)
        var rng = RandomGenerator(seed: 12)
        let backbone = ToyBackbone<Float>(inputSize: 5, hidden: 16, featureDimension: 8, generator: &rng)
        let model = LRNModel(backbone: backbone, classCount: 3, objective: .humWithCLD, generator: &rng)
        model.head.trainingSampleCount = 100
        var first: Float = 0, last: Float = 0
        for step in 0..<40 {
            let loss = model.loss(data.inputs, labels: data.labels, generator: &rng)
            if step == 0 { first = loss.total.scalar }
            last = loss.total.scalar
            loss.total.backward()
            ToyProblems.sgdStep(model.parameters, learningRate: 0.1)
        }
        model.isTraining = false
        let answer = model.predict(data.inputs, generator: &rng)
        let accuracy = Float(zip(answer.predictedClasses, data.labels).filter { $0 == $1 }.count) / Float(data.labels.count)
        #expect(last < 0.5 * first, "loss \(first) → \(last)")
        #expect(accuracy > 0.9, "accuracy \(accuracy)")
    }
}

import Foundation
