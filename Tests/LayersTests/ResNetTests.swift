import Autodiff
import Layers
import Testing

/// Mean cross-entropy of logits [N, C] against integer labels.
func crossEntropy<S: TensorScalar>(_ logits: Tensor<S>, _ labels: [Int]) -> Tensor<S> {
    let oneHot = Tensor<S>(zeros: logits.shape)
    for (n, label) in labels.enumerated() { oneHot[n, label] = 1 }
    return -(logits.logSoftmax(axis: 1) * oneHot).sum() / S(labels.count)
}

@Suite struct ResNetTests {
    @Test func resnet18HasTorchvisionsParameterCountAndStateDict() {
        var g = RandomGenerator(seed: 1)
        let model = ResNet18<Float>(classCount: 7, generator: &g)
        #expect(model.parameterCount == 11_180_103)
        #expect(model.parameterCount == PyTorchFixtures.resnet18ParameterCount)
        #expect(model.featureDimension == 512)

        // Same keys and shapes as PyTorch's state_dict; parameters and buffers each in PyTorch's order.
        let expected = PyTorchFixtures.resnet18StateDict
        let ours = model.namedStateEntries.map { ($0.name, $0.tensor.shape) }
        #expect(ours.count == expected.count && expected.count == 122)
        #expect(Dictionary(uniqueKeysWithValues: ours) == Dictionary(uniqueKeysWithValues: expected))
        let bufferSuffixes = ["running_mean", "running_var", "num_batches_tracked"]
        let isBuffer = { (name: String) in bufferSuffixes.contains { name.hasSuffix($0) } }
        #expect(model.namedParameters.map(\.name) == expected.map(\.0).filter { !isBuffer($0) })
        #expect(model.namedBuffers.map(\.name) == expected.map(\.0).filter(isBuffer))

        let thousand = ResNet18<Float>(classCount: 1000, generator: &g)
        #expect(thousand.parameterCount == 11_689_512)  // torchvision's resnet18
        #expect(ResNet18<Float>(classCount: nil, generator: &g).parameterCount == 11_180_103 - 512 * 7 - 7)
    }

    @Test func initialisationFollowsTorchvision() {
        var g = RandomGenerator(seed: 2)
        let model = ResNet18<Double>(classCount: 7, generator: &g)
        // Kaiming normal, fan-out: std √(2 / (out·k·k)).
        for (name, fanOut) in [("conv1.weight", 64 * 49), ("layer4.1.conv2.weight", 512 * 9), ("layer2.0.downsample.0.weight", 128)] {
            let w = model.namedParameters.first { $0.name == name }!.tensor.scalars
            let mean = w.reduce(0, +) / Double(w.count)
            let std = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count)).squareRoot()
            let expected = (2 / Double(fanOut)).squareRoot()
            #expect(abs(std / expected - 1) < 0.05, "\(name): std \(std), expected \(expected)")
            #expect(abs(mean) < 0.1 * expected)
        }
        for (name, tensor) in model.namedParameters where name.contains("bn") || name.hasSuffix("downsample.1.weight") || name.hasSuffix("downsample.1.bias") {
            #expect(tensor.scalars.allSatisfy { $0 == (name.hasSuffix("weight") ? 1 : 0) }, "\(name)")
        }
        // nn.Linear's default: U(-1/√512, 1/√512) for weight and bias.
        let bound = 1 / 512.0.squareRoot()
        let fc = model.fc!.weight.scalars
        #expect(fc.allSatisfy { abs($0) <= bound } && fc.max()! > 0.9 * bound && fc.min()! < -0.9 * bound)
        #expect(model.fc!.bias!.scalars.allSatisfy { abs($0) <= bound })
        // Reproducible from the seed, different for another seed.
        var same = RandomGenerator(seed: 2), other = RandomGenerator(seed: 3)
        #expect(ResNet18<Double>(classCount: 7, generator: &same).conv1.weight.scalars == model.conv1.weight.scalars)
        #expect(ResNet18<Double>(classCount: 7, generator: &other).conv1.weight.scalars != model.conv1.weight.scalars)
    }

    @Test func resnet18MatchesPyTorchInFloat64() {
        var g = RandomGenerator(seed: 3)
        let model = ResNet18<Double>(classCount: 7, generator: &g)
        FormulaWeights.fill(model)
        let x: Tensor<Double> = FormulaWeights.input(PyTorchFixtures.resnet18InputShape)
        model.isTraining = false
        let (logits, features) = Graph.withoutRecording { (model(x), model.features(x)) }
        #expect(logits.shape == [2, 7] && features.shape == [2, 512])
        #expect(maxRelativeError(logits.scalars, PyTorchFixtures.resnet18EvalLogits) < 1e-9)
        let head = (0..<2).flatMap { n in (0..<8).map { features[n, $0] } }
        #expect(maxRelativeError(head, PyTorchFixtures.resnet18EvalFeaturesHead) < 1e-9)
        #expect(maxRelativeError((0..<2).map { n in (0..<512).reduce(0) { $0 + features[n, $1] } }, PyTorchFixtures.resnet18EvalFeatureSums) < 1e-9)

        // Training mode: batch statistics, and running statistics updated as PyTorch does.
        model.isTraining = true
        let trainLogits = Graph.withoutRecording { model(x) }
        // Batch statistics of 2 images (8 values per channel in layer4) amplify rounding (measured 6e-9).
        let trainError = maxRelativeError(trainLogits.scalars, PyTorchFixtures.resnet18TrainLogits)
        print("ResNet18 Float64 train mode vs PyTorch: max relative logit error \(trainError)")
        #expect(trainError < 1e-7)
        #expect(maxRelativeError(Array(model.bn1.runningMean.scalars.prefix(6)), PyTorchFixtures.resnet18TrainBn1RunningMeanHead) < 1e-9)
        let layer4bn2 = (model.stages[3].layers[1] as! BasicBlock<Double>).bn2
        #expect(maxRelativeError(Array(layer4bn2.runningVariance.scalars.prefix(6)), PyTorchFixtures.resnet18TrainLayer4Bn2RunningVarHead) < 1e-9)
    }

    @Test func resnet18MatchesPyTorchInFloat32() {
        var g = RandomGenerator(seed: 4)
        let model = ResNet18<Float>(classCount: 7, generator: &g)
        FormulaWeights.fill(model)
        model.isTraining = false
        let x: Tensor<Float> = FormulaWeights.input(PyTorchFixtures.resnet18InputShape)
        let logits = Graph.withoutRecording { model(x) }
        // 20 layers of Float32 sums over up to 4,608 terms; measured 3e-7.
        let error = maxRelativeError(logits.scalars.map(Double.init), PyTorchFixtures.resnet18EvalLogits)
        print("ResNet18 Float32 vs PyTorch float64: max relative logit error \(error)")
        #expect(error < 1e-5)
    }

    @Test func pythonWrittenCheckpointGivesPyTorchsOutputs() throws {
        let file = try SafeTensorsFile(bytes: [UInt8](Data(base64Encoded: PyTorchFixtures.smallResNetFile)!))
        var g = RandomGenerator(seed: 5)
        let model = SmallResNet<Double>(classCount: 3, widths: [4, 8], generator: &g)
        try model.load(file, strict: true)
        model.isTraining = false
        let logits = Graph.withoutRecording { model(FormulaWeights.input(PyTorchFixtures.smallResNetInputShape)) }
        #expect(maxRelativeError(logits.scalars, PyTorchFixtures.smallResNetEvalLogits) < 1e-9)
    }

    @Test func resnet18TrainsOnASmallSyntheticBatch() throws {
        var g = RandomGenerator(seed: 6)
        let model = ResNet18<Float>(classCount: 4, generator: &g)
        let x = Tensor<Float>(randomNormal: [8, 3, 32, 32], generator: &g)
        let labels = [0, 1, 2, 3, 0, 1, 2, 3]
        let optimizer = try SGD(parameters: model.parameters, learningRate: 0.02, momentum: 0.9)
        var losses: [Float] = []
        for _ in 0..<30 {
            let loss = crossEntropy(model(x), labels)
            losses.append(loss.scalar)
            loss.backward()
            optimizer.step()
            optimizer.zeroGrad()
        }
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(losses.suffix(3).max()! < 0.3 * losses[0], "losses \(losses)")
    }

    @Test func smallResNetIsAFeatureExtractor() {
        var g = RandomGenerator(seed: 7)
        let backbones: [any FeatureExtractor<Float>] = [
            SmallResNet<Float>(classCount: nil, widths: [4, 8, 16], generator: &g),
            SmallResNet<Float>(classCount: 10, generator: &g),
        ]
        let x = Tensor<Float>(randomNormal: [3, 3, 28, 28], generator: &g)
        for backbone in backbones {
            let f = Graph.withoutRecording { backbone.features(x) }
            #expect(f.shape == [3, backbone.featureDimension])
        }
        #expect(backbones[0].featureDimension == 16 && backbones[1].featureDimension == 128)
        // Without a classifier, calling the network gives its features.
        let noHead = backbones[0] as! SmallResNet<Float>
        let (output, features) = Graph.withoutRecording { (noHead(x), noHead.features(x)) }
        #expect(output.scalars == features.scalars)
    }
}

import Foundation
