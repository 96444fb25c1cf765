import Autodiff
@testable import Layers
import Testing

/// The folded model (batch norms folded into the convolutions) must give the ResNet's
/// evaluation-mode logits up to rounding, and let NaN in the statistics through.
@Suite struct InferenceResNetTests {
    /// A small ResNet of either stem whose batch norms hold statistics and affine parameters far
    /// from the initial 0/1 (which would hide a missing term), with a downsampling block.
    static func model<S: TensorScalar>(_: S.Type, stem: ResNet<S>.Stem, seed: UInt64) -> ResNet<S> {
        var rng = RandomGenerator(seed: seed)
        let model = ResNet<S>(stem: stem, widths: [4, 6], blocksPerStage: [2, 1], classCount: 5, generator: &rng)
        for (name, tensor) in model.stateDict.sorted(by: { $0.key < $1.key }) where !name.hasSuffix("num_batches_tracked") {
            guard name.contains("bn") || name.contains("downsample.1") else { continue }
            let values: Tensor<S>
            switch name.split(separator: ".").last! {
            case "running_var": values = Tensor(randomUniform: tensor.shape, low: 0.3, high: 3, generator: &rng)
            case "weight": values = Tensor(randomUniform: tensor.shape, low: 0.5, high: 1.5, generator: &rng)
            default: values = Tensor(randomNormal: tensor.shape, std: 0.5, generator: &rng)
            }
            for i in 0..<tensor.count { tensor.data[i] = values.data[i] }
        }
        model.isTraining = false
        return model
    }

    static func maxRelativeDifference<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Double {
        let scale = max(1, a.scalars.map { Double(Swift.abs($0)) }.max() ?? 0)
        return zip(a.scalars, b.scalars).map { Double(Swift.abs($0 - $1)) }.max()! / scale
    }

    @Test(arguments: [ResNet<Double>.Stem.small, .imageNet])
    func foldedLogitsEqualTheModelsInFloat64(_ stem: ResNet<Double>.Stem) {
        let model = Self.model(Double.self, stem: stem, seed: 3)
        var rng = RandomGenerator(seed: 9)
        let images = Tensor<Double>(randomNormal: [3, 3, 20, 18], generator: &rng)
        let expected = Graph.withoutRecording { model(images) }
        let folded = model.foldedForInference()(images)
        #expect(folded.shape == [3, 5])
        #expect(Self.maxRelativeDifference(expected, folded) < 1e-12)
        #expect(folded.scalars.allSatisfy { $0.isFinite })
    }

    @Test(arguments: [ResNet<Float>.Stem.small, .imageNet])
    func foldedLogitsEqualTheModelsInFloat32(_ stem: ResNet<Float>.Stem) {
        let model = Self.model(Float.self, stem: stem, seed: 4)
        var rng = RandomGenerator(seed: 10)
        let images = Tensor<Float>(randomNormal: [3, 3, 20, 18], generator: &rng)
        let expected = Graph.withoutRecording { model(images) }
        let folded = model.foldedForInference()
        #expect(Self.maxRelativeDifference(expected, folded(images)) < 2e-5)
        #expect(Self.maxRelativeDifference(Graph.withoutRecording { model.features(images) }, folded.features(images)) < 2e-5)
    }

    /// On oneDNN a float32 forward pass keeps its activations in oneDNN's layout from the stem to
    /// the pooling (`EngineActivation`); it gives the NCHW ops' features up to rounding, on
    /// ResNet18's channel counts scaled down (multiples of 8) with both stems.
    @Test(arguments: [ResNet<Float>.Stem.small, .imageNet])
    func theEngineLayoutPathMatchesTheTensorOps(_ stem: ResNet<Float>.Stem) throws {
        let previous = Kernels.configuration
        defer { Kernels.configure(previous ?? RuntimeConfiguration()) }
        Kernels.configure(RuntimeConfiguration(convolutionEngine: .onednn))
        guard Kernels.convolutionEngine == .onednn else { return }  // LRN_CONV_ENGINE=im2col decides
        var rng = RandomGenerator(seed: 13)
        let model = ResNet<Float>(stem: stem, widths: [8, 16, 24], blocksPerStage: [2, 1, 1], classCount: 5, generator: &rng)
        model.isTraining = false
        let folded = model.foldedForInference()
        let images = Tensor<Float>(randomNormal: [3, 3, 33, 29], generator: &rng)
        let engine = try #require(folded.engineFeatures(images))
        let plain = Graph.withoutRecording { model.features(images) }
        #expect(Self.maxRelativeDifference(engine, plain) < 2e-5)
        #expect(Self.maxRelativeDifference(folded.features(images), engine) == 0)
    }

    /// Folding reads the running statistics, not the batch's, whatever mode the model is in, and
    /// does not change the model.
    @Test func foldingUsesRunningStatisticsAndLeavesTheModelAlone() {
        let model = Self.model(Double.self, stem: .small, seed: 5)
        let before = model.stateDict.mapValues(\.scalars)
        model.isTraining = true
        let folded = model.foldedForInference()
        #expect(model.stateDict.mapValues(\.scalars) == before)
        model.isTraining = false
        var rng = RandomGenerator(seed: 11)
        let images = Tensor<Double>(randomNormal: [2, 3, 9, 9], generator: &rng)
        #expect(Self.maxRelativeDifference(Graph.withoutRecording { model(images) }, folded(images)) < 1e-12)
    }

    /// NaN in one channel's running variance (or mean) reaches every logit, as through the batch norm.
    @Test(arguments: ["layer1.0.bn1.running_var", "layer2.0.downsample.1.running_mean", "bn1.running_mean"])
    func nanInTheStatisticsPropagates(_ entry: String) {
        for type in ["Float", "Double"] {
            if type == "Float" { Self.expectNaNPropagates(Float.self, entry) } else { Self.expectNaNPropagates(Double.self, entry) }
        }
    }

    static func expectNaNPropagates<S: TensorScalar>(_: S.Type, _ entry: String) {
        let model = model(S.self, stem: .small, seed: 6)
        model.stateDict[entry]!.data[1] = .nan
        var rng = RandomGenerator(seed: 12)
        let images = Tensor<S>(randomNormal: [2, 3, 8, 8], generator: &rng)
        let expected = Graph.withoutRecording { model(images) }
        let folded = model.foldedForInference()(images)
        #expect(expected.scalars.allSatisfy { $0.isNaN }, "\(S.self) \(entry): the unfolded model")
        #expect(folded.scalars.allSatisfy { $0.isNaN }, "\(S.self) \(entry): the folded model")
    }
}
