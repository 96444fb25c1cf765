import Autodiff
import Layers
import LRN
import Testing

/// LRN on the library's own backbones: the ResNet family conforms to FeatureExtractor.
@Suite struct LRNWithResNetTests {
    @Test func everyParameterLearnsWithHumAndCld() {
        var rng = RandomGenerator(seed: 3)
        let backbone = SmallResNet<Float>(classCount: nil, widths: [4, 8], generator: &rng)
        let model = LRNModel(backbone: backbone, classCount: 7, objective: .humWithCLD, generator: &rng)
        model.head.trainingSampleCount = 50
        let images = Tensor<Float>(randomNormal: [4, 3, 16, 16], generator: &rng)
        let loss = model.loss(images, labels: [0, 3, 6, 2], generator: &rng)
        #expect(loss.total.scalar.isFinite && loss.discriminative != nil)
        loss.total.backward()
        let missing = model.namedParameters.filter { $0.tensor.grad == nil }.map(\.name)
        #expect(missing.isEmpty, "no gradient: \(missing)")
        #expect(model.namedParameters.contains { $0.name == "backbone.conv1.weight" })
        #expect(model.namedBuffers.contains { $0.name.hasPrefix("backbone.") && $0.name.hasSuffix("running_mean") })
        model.isTraining = false
        let answer = model.predict(images, generator: &rng)
        #expect(answer.probabilities.shape == [4, 7] && answer.covariance?.shape == [4, 7, 7])
    }

    /// Float64 gradient check of the whole LRN loss through a (tiny) ResNet, with respect to
    /// the input images, at fixed draws.
    @Test func gradientsThroughTheBackbone() {
        var rng = RandomGenerator(seed: 4)
        let backbone = SmallResNet<Double>(classCount: nil, widths: [2, 4], generator: &rng)
        let model = LRNModel(backbone: backbone, classCount: 3, objective: .humWithCLD, generator: &rng)
        let images = Tensor<Double>(randomNormal: [2, 3, 6, 6], generator: &rng)
        let draws = model.head.draws(batchSize: 2, sampleCount: 8, generator: &rng)
        let check = gradientCheck([images], allowKinks: true) { x in
            model.loss(features: model.backbone.features(x[0]), labels: [1, 2], draws: draws).total
        }
        #expect(check.passed, "\(check)")
        #expect(check.checkedElements > 150)
    }
}
