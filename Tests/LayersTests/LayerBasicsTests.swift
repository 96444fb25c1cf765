import Autodiff
import Layers
import Testing

@Suite struct LayerBasicsTests {
    @Test func linearComputesXWTransposePlusBias() {
        var g = RandomGenerator(seed: 1)
        let linear = Linear<Double>(inputSize: 2, outputSize: 3, generator: &g)
        linear.weight.assign(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))
        linear.bias!.assign(Tensor(shape: [3], scalars: [0.5, 0, -1]))
        let y = linear(Tensor(shape: [2, 2], scalars: [1, 1, 2, -1]))
        #expect(y.shape == [2, 3] && y.scalars == [3.5, 7, 10, 0.5, 2, 3])
        #expect(linear.namedParameters.map(\.name) == ["weight", "bias"])
        let noBias = Linear<Double>(inputSize: 2, outputSize: 3, bias: false, generator: &g)
        #expect(noBias.namedParameters.map(\.name) == ["weight"] && noBias.parameterCount == 6)
        // PyTorch's default init: U(-1/√fan_in, 1/√fan_in).
        let wide = Linear<Float>(inputSize: 400, outputSize: 50, generator: &g)
        #expect(wide.weight.scalars.allSatisfy { abs($0) <= 0.05 } && wide.weight.scalars.max()! > 0.049)
    }

    @Test func stateDictNamesFollowPyTorch() {
        var g = RandomGenerator(seed: 2)
        let model = ResNet18<Float>(classCount: 7, generator: &g)
        let names = Set(model.stateDict.keys)
        for name in ["conv1.weight", "bn1.running_mean", "layer1.0.bn1.running_mean", "layer1.1.conv2.weight",
                     "layer2.0.downsample.0.weight", "layer2.0.downsample.1.running_var", "layer4.1.bn2.num_batches_tracked",
                     "fc.weight", "fc.bias"] {
            #expect(names.contains(name), "missing \(name)")
        }
        #expect(!names.contains("layer1.0.downsample.0.weight"))  // stage 1 keeps shape: no downsample
        let sequential = Sequential<Float>([Conv2d(inputChannels: 1, outputChannels: 2, kernelSize: 1, generator: &g), ReLU(),
                                            BatchNorm2d(channels: 2)])
        #expect(sequential.namedStateEntries.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias",
                                                              "2.running_mean", "2.running_var", "2.num_batches_tracked"])
    }

    @Test func freezingStopsGradients() {
        var g = RandomGenerator(seed: 3)
        let model = SmallResNet<Float>(classCount: 2, widths: [2], generator: &g)
        model.setFrozen(true)
        #expect(model.parameters.allSatisfy { !$0.requiresGrad })
        model.fc!.setFrozen(false)
        let x = Tensor<Float>(randomNormal: [2, 3, 4, 4], generator: &g)
        model(x).sum().backward()
        #expect(model.fc!.weight.grad != nil && model.conv1.weight.grad == nil)
        model.zeroGradients()
        #expect(model.parameters.allSatisfy { $0.grad == nil })
    }

    @Test func dropoutIsSeededScaledAndOffInEvaluation() {
        var g = RandomGenerator(seed: 4)
        let dropout = Dropout<Float>(probability: 0.25, generator: &g)
        let x = Tensor<Float>(ones: [100, 100])
        let y = dropout(x).scalars
        let kept = y.filter { $0 != 0 }
        #expect(abs(Double(y.count - kept.count) / Double(y.count) - 0.25) < 0.02)
        #expect(kept.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
        #expect(dropout(x).scalars != y)  // a new mask each call
        var same = RandomGenerator(seed: 4)
        #expect(Dropout<Float>(probability: 0.25, generator: &same)(x).scalars == y)
        dropout.isTraining = false
        #expect(dropout(x).scalars == x.scalars)
    }

    @Test func poolingAndFlattenShapes() {
        let x = Tensor<Float>(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))
        let pooled = MaxPool2d<Float>(kernelSize: 2)(x)
        #expect(pooled.shape == [1, 1, 2, 2] && pooled.scalars == [5, 7, 13, 15])
        let stemPool = MaxPool2d<Float>(kernelSize: 3, stride: 2, padding: 1)(x)
        #expect(stemPool.shape == [1, 1, 2, 2] && stemPool.scalars == [5, 7, 13, 15])
        let average = AdaptiveAvgPool2d<Float>()(x)
        #expect(average.shape == [1, 1, 1, 1] && average.scalar == 7.5)
        #expect(Flatten<Float>()(average).shape == [1, 1])
    }
}
