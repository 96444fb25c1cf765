import Autodiff

/// A ResNet of basic blocks, torchvision's layout and state-dict names: `conv1`, `bn1`,
/// (max-pool), `layer1` ... `layerK` of `BasicBlock`s, global average pooling, `fc`.
/// `ResNet18` and `SmallResNet` are the two configurations used in this project.
public class ResNet<Scalar: TensorScalar>: Layer, FeatureExtractor {
    public enum Stem: Sendable, Equatable {
        /// 7x7 stride-2 padding-3 convolution, batch norm, ReLU, 3x3 stride-2 padding-1 max-pool
        /// (ImageNet-sized inputs, e.g. 112 or 224 px).
        case imageNet
        /// 3x3 stride-1 padding-1 convolution, batch norm, ReLU, no pooling (28-64 px inputs).
        case small
    }

    public let stem: Stem
    public let conv1: Conv2d<Scalar>
    public let bn1: BatchNorm2d<Scalar>
    /// `layer1` ... `layerK`; stage i has `blocksPerStage[i]` blocks of `widths[i]` channels.
    public let stages: [Sequential<Scalar>]
    /// The classifier; nil for a pure feature extractor (`classCount: nil`).
    public let fc: Linear<Scalar>?
    public let featureDimension: Int

    /// - Parameters:
    ///   - widths: channels of each stage (torchvision: 64, 128, 256, 512); the first stage
    ///     keeps the resolution, every later one halves it.
    ///   - classCount: outputs of `fc`, or nil for no classifier (callAsFunction then returns features).
    ///   - generator: draws every initial weight (Kaiming-normal fan-out convs, default Linear).
    public init(stem: Stem, widths: [Int], blocksPerStage: [Int], inputChannels: Int = 3, classCount: Int?,
                generator: inout RandomGenerator) {
        precondition(!widths.isEmpty && widths.count == blocksPerStage.count && widths.allSatisfy { $0 > 0 } && blocksPerStage.allSatisfy { $0 > 0 },
                     "ResNet: widths \(widths) and blocksPerStage \(blocksPerStage) must be non-empty, positive and of equal length")
        self.stem = stem
        let stemWidth = widths[0]
        switch stem {
        case .imageNet:
            conv1 = Conv2d(inputChannels: inputChannels, outputChannels: stemWidth, kernelSize: 7, stride: 2, padding: 3,
                           bias: false, weightInit: .kaimingNormalFanOut, generator: &generator)
        case .small:
            conv1 = Conv2d(inputChannels: inputChannels, outputChannels: stemWidth, kernelSize: 3, stride: 1, padding: 1,
                           bias: false, weightInit: .kaimingNormalFanOut, generator: &generator)
        }
        bn1 = BatchNorm2d(channels: stemWidth)
        var stages: [Sequential<Scalar>] = []
        var channels = stemWidth
        for (index, (width, blocks)) in zip(widths, blocksPerStage).enumerated() {
            var stage: [any Layer<Scalar>] = []
            for b in 0..<blocks {
                stage.append(BasicBlock(inputChannels: channels, outputChannels: width,
                                        stride: b == 0 && index > 0 ? 2 : 1, generator: &generator))
                channels = width
            }
            stages.append(Sequential(stage))
        }
        self.stages = stages
        featureDimension = channels
        fc = classCount.map { Linear(inputSize: channels, outputSize: $0, generator: &generator) }
    }

    /// torchvision's names: the stages are `layer1` … `layerK`, not `stages.0` ….
    public var namedChildren: [(name: String, module: any Module<Scalar>)] {
        [("conv1", conv1), ("bn1", bn1)] + stages.enumerated().map { ("layer\($0.offset + 1)", $0.element) }
            + (fc.map { [("fc", $0)] } ?? [])
    }

    /// [N, C, H, W] -> [N, featureDimension]: everything before the classifier.
    public func features(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        guard input.rank == 4, input.shape[1] == conv1.inputChannels else {
            fatalError("ResNet: expected images [N, \(conv1.inputChannels), H, W], got \(shapeString(input.shape))")
        }
        var x = bn1.withReLU(conv1(input))
        if stem == .imageNet { x = x.maxPool2d(kernelSize: 3, stride: 2, padding: 1) }
        for stage in stages { x = stage(x) }
        return x.globalAveragePool2d()
    }

    /// Logits [N, classCount] (or the features when there is no classifier).
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let f = features(input)
        return fc.map { $0(f) } ?? f
    }
}

/// torchvision's resnet18: 7x7 stem with max-pool, [2, 2, 2, 2] blocks of 64-128-256-512
/// channels, 512-d features, `fc` to `classCount` outputs (11,180,103 parameters for 7 classes).
public final class ResNet18<Scalar: TensorScalar>: ResNet<Scalar> {
    public init(classCount: Int? = 1000, inputChannels: Int = 3, generator: inout RandomGenerator) {
        super.init(stem: .imageNet, widths: [64, 128, 256, 512], blocksPerStage: [2, 2, 2, 2],
                   inputChannels: inputChannels, classCount: classCount, generator: &generator)
    }
}

/// A ResNet for 28-64 px images and quick experiments: 3x3 stem without max-pool, so small
/// inputs keep their resolution; stage widths are configurable (default 16-32-64-128, one
/// block each).
public final class SmallResNet<Scalar: TensorScalar>: ResNet<Scalar> {
    public init(classCount: Int?, widths: [Int] = [16, 32, 64, 128], blocksPerStage: [Int]? = nil,
                inputChannels: Int = 3, generator: inout RandomGenerator) {
        super.init(stem: .small, widths: widths, blocksPerStage: blocksPerStage ?? Array(repeating: 1, count: widths.count),
                   inputChannels: inputChannels, classCount: classCount, generator: &generator)
    }
}
