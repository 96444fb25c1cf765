import Autodiff
import Foundation
import Layers
import Testing
@testable import Training

/// A home-made backbone that writes no parameter list: the Module defaults find its layers.
final class TwoLayerBackbone: FeatureExtractor {
    typealias Scalar = Float
    let hidden: Linear<Float>, output: Linear<Float>
    var featureDimension: Int { output.outputSize }

    init(inputs: Int, features: Int, generator: inout RandomGenerator) {
        hidden = Linear(inputSize: inputs, outputSize: 16, generator: &generator)
        output = Linear(inputSize: 16, outputSize: features, generator: &generator)
    }

    func features(_ input: Tensor<Float>) -> Tensor<Float> { output(hidden(input).relu()).relu() }
}

/// Generalised cross-entropy (1 − p_y^q)/q, the new loss of the tests.
func generalizedCrossEntropy(q: Float) -> ClassificationLossFunction {
    ClassificationLossFunction(name: "GCE(q=\(q))") { logits, labels in
        ((1 - logits.softmax(axis: -1).gather(alongAxis: 1, indices: labels).pow(q)) / q).mean()
    }
}

@Suite("Comparison and Classifier")
struct ComparisonTests {
    func classifier(_ loss: any ClassificationLoss, classes: Int) -> Classifier<TwoLayerBackbone> {
        var g = RandomGenerator(seed: 3)
        return Classifier(backbone: TwoLayerBackbone(inputs: 4, features: 8, generator: &g), classCount: classes, loss: loss, generator: &g)
    }

    @Test("a Classifier's state dict is named from its properties, and its mode reaches the backbone's layers")
    func classifierNamesAndMode() {
        let model = classifier(CrossEntropyLoss(), classes: 3)
        #expect(model.namedParameters.map(\.name) == ["backbone.hidden.weight", "backbone.hidden.bias", "backbone.output.weight",
                                                      "backbone.output.bias", "classifier.weight", "classifier.bias"])
        #expect(model.parameterCount == 4 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3)
        model.isTraining = false
        #expect(!model.backbone.hidden.isTraining && !model.backbone.output.isTraining && !model.classifier.isTraining && !model.isTraining)
        #expect(AnyTrainableModel(model).stateDict.keys.sorted() == model.stateDict.keys.sorted())
        #expect(model.architectureSummary.hasSuffix("loss cross-entropy"))
    }

    @Test("a new loss trains next to cross-entropy and gets reports, comparison.csv and comparison.svg; no checkpoint, no fingerprint needed")
    func newLossInTheComparison() throws {
        let data = try blobs(seed: 1)
        let output = try temporaryFolder("comparison")
        let plan = ComparisonPlan(output: output, epochs: 3, batchSize: 16, learningRate: 0.05, seed: 4,
                                  makeOptimizer: { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9) },
                                  checkpoints: false, title: "blobs")
        let methods = [
            TrainingMethod(name: "ce", title: "cross-entropy") { self.classifier(CrossEntropyLoss(), classes: $0) },
            TrainingMethod(name: "gce", title: "GCE q = 0.7") { self.classifier(generalizedCrossEntropy(q: 0.7), classes: $0) },
        ]
        var finished: [String] = []
        let results = try Comparison.run(methods, data: data, plan: plan, progress: ProgressDisplay(style: .silent)) { method, model, result, folder in
            #expect(folder.lastPathComponent == method.name && result.history.count == 3 && model.isTraining)
            finished.append(method.name)
        }
        #expect(finished == ["ce", "gce"])
        #expect(results["gce"]!.finalTestAccuracy > 0.6 && results["ce"]!.finalTestAccuracy > 0.6, "\(results.mapValues(\.finalTestAccuracy))")
        #expect(results["gce"]!.settings["model"]!.hasSuffix("loss GCE(q=0.7)"))
        let csv = try String(contentsOf: output.appendingPathComponent("comparison.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3 && csv[1].hasPrefix("cross-entropy,") && csv[2].hasPrefix("GCE q = 0.7,"))
        let svg = try String(contentsOf: output.appendingPathComponent("comparison.svg"), encoding: .utf8)
        #expect(svg.contains("GCE q = 0.7") && svg.contains("cross-entropy") && svg.contains("<polyline"))
        for file in ["gce/gce-results.json", "gce/gce-curves.svg", "ce/ce-history.csv"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(file).path), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("gce/checkpoint.safetensors").path))

        // The same comparison again into the same folder: refused unless asked to overwrite.
        #expect(throws: TrainingError.existingRun(folder: output.path, file: "comparison.csv")) {
            try Comparison.run(methods, data: data, plan: plan, progress: ProgressDisplay(style: .silent))
        }
        var overwriting = plan
        overwriting.overwrite = true
        let again = try Comparison.run(methods, data: data, plan: overwriting, progress: ProgressDisplay(style: .silent))
        #expect(again["gce"]!.history.map(\.trainLoss) == results["gce"]!.history.map(\.trainLoss))
    }

    @Test("the same method trained directly by a Trainer built without a fingerprint gives the same result")
    func trainerWithoutFingerprint() throws {
        let data = try blobs(seed: 1)
        let model = classifier(generalizedCrossEntropy(q: 0.7), classes: 3)
        let trainer = Trainer(model: model, optimizer: try SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9), data: data,
                              configuration: TrainerConfiguration(name: "gce", epochs: 3, batchSize: 16, learningRate: 0.05, seed: 4),
                              progress: ProgressDisplay(style: .silent))
        let direct = try trainer.run()
        let plan = ComparisonPlan(output: try temporaryFolder("direct"), epochs: 3, batchSize: 16, learningRate: 0.05, seed: 4,
                                  makeOptimizer: { try SGD(parameters: $0, learningRate: 0.05, momentum: 0.9) }, checkpoints: false)
        let viaComparison = try Comparison.train(TrainingMethod(name: "gce") { self.classifier(generalizedCrossEntropy(q: 0.7), classes: $0) },
                                                 data: data, plan: plan, progress: ProgressDisplay(style: .silent))
        #expect(direct.history.map(\.trainLoss) == viaComparison.history.map(\.trainLoss))
        #expect(direct.confusion == viaComparison.confusion)
    }
}
