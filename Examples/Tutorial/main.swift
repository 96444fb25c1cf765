// Building a noisy-label model: the code of Documentation/BuildingANoisyLabelModel.md.
// `swift run Example-Tutorial` runs every step in a few seconds. Each step sits between
// `// MARK: step` lines and appears verbatim in the document (a test checks that).
import Autodiff
import Experiments  // LRNModel's conformance to Training's TrainableModel (step 6)
import Foundation
import Layers
import LRN
import Training

// MARK: step 0 — data with class-dependent label noise
/// Four classes of 12-dimensional points standing in for images. 30 % of class 2 is labelled 3
/// and 30 % of class 3 is labelled 2, the way disgust and anger get confused; 0 and 1 are clean.
func makeData(count: Int, noisy: Bool, seed: UInt64) -> (inputs: Tensor<Float>, labels: [Int]) {
    var rng = RandomGenerator(seed: seed)
    var centres = RandomGenerator(seed: 99)  // the same class centres for training and test data
    let means = (0..<4).map { _ in (0..<12).map { _ in 1.5 * centres.normal() } }
    var values: [Float] = [], labels: [Int] = []
    for i in 0..<count {
        let label = i % 4
        values += means[label].map { Float($0 + rng.normal()) }
        let flipped = noisy && (label == 2 || label == 3) && rng.uniform() < 0.3
        labels.append(flipped ? 5 - label : label)
    }
    return (Tensor(shape: [count, 12], scalars: values), labels)
}

let train = makeData(count: 512, noisy: true, seed: 1)
let test = makeData(count: 512, noisy: false, seed: 2)

func accuracy(_ predicted: [Int], _ labels: [Int]) -> Double {
    Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
}

// MARK: step 1 — HUM on your own backbone
/// Any network that maps inputs to feature vectors [M, D] can carry HUM: conform it to
/// `FeatureExtractor` (ResNet18 already does). Its parameters (`layer1.weight`, …) and its
/// training mode come from its stored properties: nothing to list by hand.
final class MLPBackbone: FeatureExtractor {
    typealias Scalar = Float
    let layer1: Linear<Float>, layer2: Linear<Float>
    var featureDimension: Int { layer2.outputSize }

    init(inputSize: Int, featureDimension: Int, generator: inout RandomGenerator) {
        layer1 = Linear(inputSize: inputSize, outputSize: 32, generator: &generator)
        layer2 = Linear(inputSize: 32, outputSize: featureDimension, generator: &generator)
    }

    func features(_ input: Tensor<Float>) -> Tensor<Float> { layer2(layer1(input).relu()).relu() }
}

var rng = RandomGenerator(seed: 2024)
let backbone = MLPBackbone(inputSize: 12, featureDimension: 16, generator: &rng)
let head = HeteroscedasticHead<Float>(featureCount: backbone.featureDimension, classCount: 4,
                                      trainingSampleCount: 200, generator: &rng)
let optimizer = try SGD(parameters: backbone.parameters + head.parameters, learningRate: 0.05, momentum: 0.9)
for _ in 0..<60 {
    let loss = head.loss(backbone.features(train.inputs), labels: train.labels, generator: &rng)  // L_cls
    optimizer.zeroGrad()
    loss.backward()
    optimizer.step()
}
head.isTraining = false  // evaluation sample count
let testFeatures = Graph.withoutRecording { backbone.features(test.inputs) }
let humProbabilities = head.probabilities(testFeatures, generator: &rng)
print("1. HUM on an MLP: test accuracy \(accuracy(humProbabilities.argmax(axis: 1), test.labels))")

// The learned covariance: Var(z_a − z_b) on test points of classes 2 and 3.
let covariance = Graph.withoutRecording { head(testFeatures).covariance }
func differenceVariance(_ a: Int, _ b: Int) -> Float {
    let rows = test.labels.indices.filter { test.labels[$0] >= 2 }
    return rows.reduce(0) { $0 + covariance[$1, a, a] + covariance[$1, b, b] - 2 * covariance[$1, a, b] } / Float(rows.count)
}
print("   Var(z2 − z3) = \(differenceVariance(2, 3)) (the confused pair), Var(z0 − z2) = \(differenceVariance(0, 2)), Var(z1 − z3) = \(differenceVariance(1, 3))")

// MARK: step 2 — CLD added to a plain cross-entropy model
let plainBackbone = MLPBackbone(inputSize: 12, featureDimension: 16, generator: &rng)
let classifier = Linear<Float>(inputSize: 16, outputSize: 4, generator: &rng)
let cld = CLDLoss<Float>(classCount: 4, featureCount: 16, generator: &rng)  // centres N(0, 1)
let plainOptimizer = try SGD(parameters: plainBackbone.parameters + classifier.parameters + cld.parameters,
                             learningRate: 0.05, momentum: 0.9)
for _ in 0..<60 {
    let features = plainBackbone.features(train.inputs)
    let loss = crossEntropy(logits: classifier(features), labels: train.labels) + cld(features)  // λ₁ = 1
    plainOptimizer.zeroGrad()
    loss.backward()
    plainOptimizer.step()
}
let plainLogits = Graph.withoutRecording { classifier(plainBackbone.features(test.inputs)) }
print("2. CE + CLD: test accuracy \(accuracy(plainLogits.argmax(axis: 1), test.labels)), L_cld \(Graph.withoutRecording { cld(plainBackbone.features(train.inputs)).scalar })")

// MARK: step 3 — a custom similarity
/// Cosine similarity sharpened by a temperature of 0.1: any differentiable function of
/// features [M, D] and centres [C, D] to [M, C] can define the confidences ω.
let sharpCosine = CLDSimilarity<Float>(name: "cosine / 0.1") { features, centers in
    CLDSimilarity<Float>.cosine.evaluate(features: features, centers: centers) * 10
}
cld.similarity = sharpCosine
let terms = Graph.withoutRecording { cld.terms(plainBackbone.features(test.inputs)) }
print("3. \(cld.similarity): ω of the first test point \((0..<4).map { terms.confidence[0, $0] }), L_cld \(terms.loss.scalar)")

// MARK: step 4 — the gradient checker on your own loss
/// Soft bootstrapping (Reed et al., 2015): the target is β·onehot(y) + (1 − β)·p, the model's
/// own prediction mixed into the label, i.e. β·CE + (1 − β)·H(p). Built from library ops, so it
/// is differentiable as it stands.
func softBootstrapping<S: TensorScalar>(logits: Tensor<S>, labels: [Int], beta: S = 0.8) -> Tensor<S> {
    let logP = logits.logSoftmax(axis: -1)
    let entropy = -(logP.exp() * logP).sum(axis: 1).mean()
    return crossEntropy(logits: logits, labels: labels) * beta + entropy * (1 - beta)
}

// Check it in Float64 against central finite differences: one call.
var checkRng = RandomGenerator(seed: 1)
let logits = Tensor<Double>(randomNormal: [5, 4], generator: &checkRng)
let bootstrapCheck = gradientCheck([logits]) { x in softBootstrapping(logits: x[0], labels: [0, 1, 2, 3, 1]) }
print("4. soft bootstrapping: \(bootstrapCheck)")

// The library's own noise-robust losses, on the same logits: label smoothing (PyTorch's
// targets) and generalised cross-entropy (Zhang & Sabuncu, 2018), both generic over the scalar.
let tutorialLabels = [0, 1, 2, 3, 1]
let smoothedLoss = crossEntropy(logits: logits, labels: tutorialLabels, labelSmoothing: 0.1)
let gceLoss = generalizedCrossEntropy(logits: logits, labels: tutorialLabels, q: 0.7)
print("   CE \(crossEntropy(logits: logits, labels: tutorialLabels).scalar), label smoothing 0.1 \(smoothedLoss.scalar), GCE q = 0.7 \(gceLoss.scalar)")

// The same for HUM on your features: fix the draws and the loss is a plain function.
let smallHead = HeteroscedasticHead<Double>(featureCount: 6, classCount: 4, generator: &checkRng)
let draws = smallHead.draws(batchSize: 3, sampleCount: 20, generator: &checkRng)
let someFeatures = Tensor<Double>(randomNormal: [3, 6], generator: &checkRng)
let humCheck = gradientCheck([someFeatures, smallHead.fc2.weight]) { x in
    smallHead.fc2.weight = x[1]
    return smallHead.loss(smallHead(x[0]), labels: [2, 3, 0], draws: draws)
}
print("   HUM loss at fixed draws: \(humCheck)")

// MARK: step 5 — the whole LRN and the ablation
print("5. the four objectives of the paper's ablation (test accuracy, clean labels):")
for objective in Objective.allCases {
    var seed = RandomGenerator(seed: 7)  // the same start for every objective
    let model = LRNModel(backbone: MLPBackbone(inputSize: 12, featureDimension: 16, generator: &seed),
                         classCount: 4, objective: objective, generator: &seed)
    model.head.trainingSampleCount = 200
    let sgd = try SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
    for _ in 0..<60 {
        let loss = model.loss(train.inputs, labels: train.labels, generator: &seed)  // total, classification, discriminative
        sgd.zeroGrad()
        loss.total.backward()
        sgd.step()
    }
    model.isTraining = false
    let answer = model.predict(test.inputs, generator: &seed)  // no tape
    print("   \(objective.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(accuracy(answer.predictedClasses, test.labels))")
    if objective == .humWithCLD {
        let i = test.labels.firstIndex(of: 2)!
        print("   a class-2 test point: predicted \(answer.predictedClasses[i]), p = \(answer.probabilities[i, answer.predictedClasses[i]]), entropy \(answer.predictiveEntropy[i]), MC variance \(answer.winningClassVariance![i])")
    }
}

// The paper's model: only the backbone changes (ResNet18 without its classifier, 512-d features).
let faceModel = LRNModel(backbone: ResNet18<Float>(classCount: nil, generator: &rng), classCount: 7,
                         objective: .humWithCLD, generator: &rng)
print("   LRN on ResNet18: \(faceModel.parameterCount) parameters, \(faceModel.backbone.featureDimension)-d features, head \(faceModel.head.parameterCount), centres \(faceModel.cld.parameterCount)")

// MARK: step 6 — your loss in the comparison runner
/// `Classifier` puts a linear classifier and any loss on a backbone: your soft bootstrapping
/// of step 4 and the library's generalised cross-entropy join cross-entropy and LRN in the
/// runner the examples use, with the same table, reports (JSON, CSV, SVG curves and confusion
/// matrices) and comparison chart.
let bootstrapping = ClassificationLossFunction(name: "soft bootstrapping (β = 0.8)") { logits, labels in
    softBootstrapping(logits: logits, labels: labels)
}
let toyData = try InMemoryDataSource(classNames: ["class 0", "class 1", "class 2", "class 3"],
                                     trainSamples: train.inputs, trainLabels: train.labels,
                                     testSamples: test.inputs, testLabels: test.labels)
func classifier(_ loss: any ClassificationLoss, classes: Int) -> Classifier<MLPBackbone> {
    var seed = RandomGenerator(seed: 7)  // the same start for every method
    return Classifier(backbone: MLPBackbone(inputSize: 12, featureDimension: 16, generator: &seed),
                      classCount: classes, loss: loss, generator: &seed)
}
let methods = [
    TrainingMethod(name: "ce", title: "CE") { classifier(CrossEntropyLoss(), classes: $0) },
    TrainingMethod(name: "gce", title: "GCE q = 0.7") { classifier(GeneralizedCrossEntropyLoss(q: 0.7), classes: $0) },
    TrainingMethod(name: "bootstrap", title: "soft bootstrapping β = 0.8") { classifier(bootstrapping, classes: $0) },
    TrainingMethod(name: "hum+cld", title: "LRN (HUM + CLD)") { classes in
        var seed = RandomGenerator(seed: 7)
        let model = LRNModel(backbone: MLPBackbone(inputSize: 12, featureDimension: 16, generator: &seed),
                             classCount: classes, objective: .humWithCLD, generator: &seed)
        model.head.trainingSampleCount = 200
        model.head.evaluationSampleCount = 200
        return model
    },
]
let plan = ComparisonPlan(output: URL(fileURLWithPath: "runs/tutorial"), epochs: 15, batchSize: 64, learningRate: 0.05, seed: 1,
                          makeOptimizer: { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9) },
                          checkpoints: false, overwrite: true,  // replaces the tutorial's own earlier results
                          title: "Toy data, classes 2 and 3 swapped 30 %: test accuracy (%) after 15 epochs")
let results = try Comparison.run(methods, data: toyData, plan: plan, progress: ProgressDisplay(style: .silent))
print("6. the comparison (also in runs/tutorial/comparison.csv and comparison.svg, one folder per method):")
print(Comparison.table(methods.map { ($0.name, $0.title) }, results: results, title: plan.title).formatted())
