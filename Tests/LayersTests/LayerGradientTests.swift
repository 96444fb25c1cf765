import Autodiff
import Layers
import Testing

/// One layer under a Float64 finite-difference check. The function receives fresh leaf copies
/// of `inputs` (gradientCheck's contract); layers whose parameters are checked take those
/// leaves in place of their own (their parameters are `var` for this).
struct LayerGradientCase: CustomStringConvertible, Sendable {
    let name: String
    let inputs: [Tensor<Double>]
    var tolerance = 1e-6
    var allowKinks = false
    let function: @Sendable ([Tensor<Double>]) -> Tensor<Double>
    var description: String { name }
}

enum LayerGradientCases {
    static func random(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor<Double> {
        var g = RandomGenerator(seed: seed)
        return Tensor(randomNormal: shape, std: scale, generator: &g)
    }

    static var all: [LayerGradientCase] {
        var g = RandomGenerator(seed: 11)
        let linear = Linear<Double>(inputSize: 4, outputSize: 3, generator: &g)
        let conv = Conv2d<Double>(inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: 2, padding: 1, generator: &g)
        let convNoBias = Conv2d<Double>(inputChannels: 2, outputChannels: 3, kernelSize: 2, bias: false, generator: &g)
        let bnTrain = BatchNorm2d<Double>(channels: 2)
        let bnEval = BatchNorm2d<Double>(channels: 2)
        bnEval.isTraining = false
        bnEval.runningMean.assign(Tensor(shape: [2], scalars: [0.3, -0.2]))
        bnEval.runningVariance.assign(Tensor(shape: [2], scalars: [1.7, 0.6]))
        let sequential = Sequential<Double>([
            Conv2d(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, generator: &g),
            BatchNorm2d(channels: 3), ReLU(), MaxPool2d(kernelSize: 2), Flatten(),
            Linear(inputSize: 12, outputSize: 2, generator: &g),
        ])
        let block = BasicBlock<Double>(inputChannels: 2, outputChannels: 3, stride: 2, generator: &g)
        let identityBlock = BasicBlock<Double>(inputChannels: 2, outputChannels: 2, generator: &g)
        let small = SmallResNet<Double>(classCount: 3, widths: [2, 4], generator: &g)
        // ResNet18's layout (7x7/2 stem, max-pool, strided stages) at a size finite differences can afford.
        let tinyImageNet = ResNet<Double>(stem: .imageNet, widths: [2, 3], blocksPerStage: [1, 1], classCount: 2, generator: &g)

        return [
            LayerGradientCase(name: "Linear (input, weight, bias)",
                              inputs: [random([3, 4], seed: 1), linear.weight, linear.bias!]) { xs in
                linear.weight = xs[1]; linear.bias = xs[2]
                return linear(xs[0])
            },
            LayerGradientCase(name: "Conv2d 3x3 stride 2 padding 1 (input, weight, bias)",
                              inputs: [random([2, 3, 5, 5], seed: 2), conv.weight, conv.bias!]) { xs in
                conv.weight = xs[1]; conv.bias = xs[2]
                return conv(xs[0])
            },
            LayerGradientCase(name: "Conv2d 2x2 without bias (input, weight)",
                              inputs: [random([1, 2, 4, 3], seed: 3), convNoBias.weight]) { xs in
                convNoBias.weight = xs[1]
                return convNoBias(xs[0])
            },
            LayerGradientCase(name: "BatchNorm2d training (input, weight, bias)",
                              inputs: [random([3, 2, 3, 2], seed: 4, scale: 2) + 1.0, random([2], seed: 5), random([2], seed: 6)]) { xs in
                bnTrain.weight = xs[1]; bnTrain.bias = xs[2]
                return bnTrain(xs[0])
            },
            LayerGradientCase(name: "BatchNorm2d eval (input, weight, bias)",
                              inputs: [random([2, 2, 2, 2], seed: 7), random([2], seed: 8), random([2], seed: 9)]) { xs in
                bnEval.weight = xs[1]; bnEval.bias = xs[2]
                return bnEval(xs[0])
            },
            LayerGradientCase(name: "ReLU", inputs: [random([2, 3, 4], seed: 10)], allowKinks: true) { xs in ReLU<Double>()(xs[0]) },
            LayerGradientCase(name: "MaxPool2d 3/2/1", inputs: [random([2, 2, 5, 5], seed: 11)], allowKinks: true) { xs in
                MaxPool2d<Double>(kernelSize: 3, stride: 2, padding: 1)(xs[0])
            },
            LayerGradientCase(name: "AdaptiveAvgPool2d", inputs: [random([2, 3, 3, 4], seed: 12)]) { xs in AdaptiveAvgPool2d<Double>()(xs[0]) },
            LayerGradientCase(name: "Flatten", inputs: [random([2, 3, 2, 2], seed: 13)]) { xs in Flatten<Double>()(xs[0]).squared() },
            LayerGradientCase(name: "Dropout p=0.4 (same mask each call)", inputs: [random([4, 5], seed: 14)]) { xs in
                var seed = RandomGenerator(seed: 99)
                return Dropout<Double>(probability: 0.4, generator: &seed)(xs[0])
            },
            LayerGradientCase(name: "Sequential conv-bn-relu-pool-flatten-linear", inputs: [random([2, 2, 4, 4], seed: 15)],
                              tolerance: 1e-5, allowKinks: true) { xs in sequential(xs[0]) },
            LayerGradientCase(name: "BasicBlock with downsample (input, conv1 weight)",
                              inputs: [random([2, 2, 4, 4], seed: 16), block.conv1.weight], tolerance: 1e-5, allowKinks: true) { xs in
                block.conv1.weight = xs[1]
                return block(xs[0])
            },
            LayerGradientCase(name: "BasicBlock identity shortcut", inputs: [random([2, 2, 3, 3], seed: 17)],
                              tolerance: 1e-5, allowKinks: true) { xs in identityBlock(xs[0]) },
            LayerGradientCase(name: "SmallResNet logits", inputs: [random([2, 3, 4, 4], seed: 18)],
                              tolerance: 1e-5, allowKinks: true) { xs in small(xs[0]) },
            LayerGradientCase(name: "ResNet with ResNet18's stem and max-pool (input, stem weight, fc weight)",
                              inputs: [random([2, 3, 9, 9], seed: 19), tinyImageNet.conv1.weight, tinyImageNet.fc!.weight],
                              tolerance: 1e-5, allowKinks: true) { xs in
                tinyImageNet.conv1.weight = xs[1]; tinyImageNet.fc!.weight = xs[2]
                return tinyImageNet(xs[0])
            },
        ]
    }
}

@Suite struct LayerGradientTests {
    @Test(arguments: LayerGradientCases.all)
    func float64GradientsMatchFiniteDifferences(_ testCase: LayerGradientCase) {
        let result = gradientCheck(testCase.inputs, tolerance: testCase.tolerance, allowKinks: testCase.allowKinks, testCase.function)
        #expect(result.passed, "\(testCase.name): \(result)")
        #expect(result.checkedElements > result.skippedKinks, "\(testCase.name): too little was checked (\(result))")
    }

    @Test func aWrongGradientIsCaught() {
        // The harness can fail: a layer whose weight is swapped for a constant after the leaf is
        // read gives a zero analytic gradient for the weight while the numeric one is not zero.
        var g = RandomGenerator(seed: 1)
        let linear = Linear<Double>(inputSize: 3, outputSize: 2, generator: &g)
        let result = gradientCheck([LayerGradientCases.random([2, 3], seed: 2), linear.weight]) { xs in
            linear.weight = xs[1].detached()
            return linear(xs[0])
        }
        #expect(!result.passed)
    }
}
