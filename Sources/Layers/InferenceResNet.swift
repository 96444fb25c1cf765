import Autodiff

/// A ResNet for evaluation only, with every batch norm folded into the convolution before it:
/// in evaluation a batch norm is a per-channel affine map with fixed statistics, so
/// conv → BN is one convolution with weight w · γ/√(σ² + ε) and bias β − μ · γ/√(σ² + ε)
/// (plus the convolution's own bias, scaled). A forward pass then skips every batch-norm pass
/// over memory. Made by `ResNet.foldedForInference()`; the logits equal the ResNet's in
/// evaluation mode up to rounding, and NaN in any statistic or weight propagates to the outputs
/// it reaches, as it would through the batch norm.
///
/// A snapshot: its tensors are computed (or copied) when it is made, so training the ResNet
/// afterwards does not change it. It records no graph and has no gradient.
public final class InferenceResNet<Scalar: TensorScalar> {
    /// One basic block: conv1 → ReLU → conv2, plus the input (through `downsample` when the shape
    /// changes), → ReLU.
    struct Block {
        let conv1: Conv2d<Scalar>
        let conv2: Conv2d<Scalar>
        let downsample: Conv2d<Scalar>?
    }

    let stem: Conv2d<Scalar>
    let maxPoolsAfterStem: Bool
    let stages: [[Block]]
    let classifier: (weight: Tensor<Scalar>, bias: Tensor<Scalar>?)?
    /// The length of each feature vector (the ResNet's `featureDimension`).
    public let featureDimension: Int
    /// Each float32 convolution's weights for the engine's layout, prepared once (by identity of
    /// the `Conv2d`).
    let engineWeights: [ObjectIdentifier: EngineWeights]

    /// The folded model of `model` (its training mode does not matter: the running statistics are used).
    public init(_ model: ResNet<Scalar>) {
        (stem, maxPoolsAfterStem, stages, classifier, featureDimension) = Graph.withoutRecording {
            let stem = Self.fold(model.conv1, model.bn1)
            let stages = model.stages.map { stage in
                stage.layers.map { layer -> Block in
                    guard let block = layer as? BasicBlock<Scalar> else {
                        preconditionFailure("InferenceResNet: a ResNet stage holds \(type(of: layer)), expected BasicBlock")
                    }
                    return Block(conv1: Self.fold(block.conv1, block.bn1), conv2: Self.fold(block.conv2, block.bn2),
                                 downsample: block.downsample.map(Self.foldDownsample))
                }
            }
            let classifier = model.fc.map { (weight: $0.weight.copy(), bias: $0.bias?.copy()) }
            return (stem, model.stem == .imageNet, stages, classifier, model.featureDimension)
        }
        let convolutions = [stem] + stages.flatMap { $0.flatMap { [$0.conv1, $0.conv2] + ($0.downsample.map { [$0] } ?? []) } }
        engineWeights = Dictionary(uniqueKeysWithValues: convolutions.compactMap { conv in
            (conv.weight as? Tensor<Float>).map { (ObjectIdentifier(conv), EngineWeights($0)) }
        })
    }

    /// `conv` followed by `bn` in evaluation mode, as one convolution.
    static func fold(_ conv: Conv2d<Scalar>, _ bn: BatchNorm2d<Scalar>) -> Conv2d<Scalar> {
        precondition(conv.outputChannels == bn.channels,
                     "InferenceResNet: a convolution with \(conv.outputChannels) outputs feeds a batch norm of \(bn.channels) channels")
        // The expressions of the batch-norm kernel: scale = invstd · γ, offset = β − μ · scale.
        let invstd = (bn.runningVariance + Scalar(bn.epsilon)).sqrt().reciprocal()
        let scale = invstd * bn.weight
        let weight = conv.weight * scale.reshaped([conv.outputChannels, 1, 1, 1])
        var bias = bn.bias - bn.runningMean * scale
        if let convBias = conv.bias { bias = bias + convBias * scale }
        return Conv2d(weight: weight, bias: bias, stride: conv.stride, padding: conv.padding, dilation: conv.dilation,
                      groups: conv.groups)
    }

    static func foldDownsample(_ path: Sequential<Scalar>) -> Conv2d<Scalar> {
        guard path.layers.count == 2, let conv = path.layers[0] as? Conv2d<Scalar>, let bn = path.layers[1] as? BatchNorm2d<Scalar> else {
            preconditionFailure("InferenceResNet: a downsample path must be Sequential(Conv2d, BatchNorm2d), got \(path.layers.map { type(of: $0) })")
        }
        return fold(conv, bn)
    }

    /// [N, C, H, W] → [N, featureDimension], as `ResNet.features` in evaluation mode. In float32
    /// on oneDNN the activations stay in its layout from the stem to the pooling
    /// (`EngineActivation`), otherwise each op runs on NCHW tensors.
    public func features(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        if let float = input as? Tensor<Float>, let features = engineFeatures(float) {
            return features as! Tensor<Scalar>
        }
        return Graph.withoutRecording {
            var x = stem(input).relu()
            if maxPoolsAfterStem { x = x.maxPool2d(kernelSize: 3, stride: 2, padding: 1) }
            for stage in stages {
                for block in stage {
                    let identity = block.downsample.map { $0(x) } ?? x
                    let out = block.conv1(x).relu()
                    x = (block.conv2(out) + identity).relu()
                }
            }
            return x.globalAveragePool2d()
        }
    }

    /// `features` in oneDNN's layout; nil when the engine is another or refuses a step (the
    /// caller then runs the NCHW ops).
    func engineFeatures(_ input: Tensor<Float>) -> Tensor<Float>? {
        func conv(_ c: Conv2d<Scalar>, _ x: EngineActivation, adding residual: EngineActivation? = nil, relu: Bool) -> EngineActivation? {
            guard c.groups == 1, let weight = engineWeights[ObjectIdentifier(c)] else { return nil }
            return x.conv2d(weight: weight, bias: c.bias as? Tensor<Float>, stride: c.stride, padding: c.padding, dilation: c.dilation,
                            addingTo: residual, relu: relu)
        }
        guard var x = EngineActivation(input), let stem = conv(stem, x, relu: true) else { return nil }
        x = stem
        if maxPoolsAfterStem {
            guard let pooled = x.maxPool2d(kernelSize: 3, stride: 2, padding: 1) else { return nil }
            x = pooled
        }
        for stage in stages {
            for block in stage {
                let identity: EngineActivation
                if let downsample = block.downsample {
                    guard let path = conv(downsample, x, relu: false) else { return nil }
                    identity = path
                } else {
                    identity = x
                }
                guard let out = conv(block.conv1, x, relu: true),
                      let sum = conv(block.conv2, out, adding: identity, relu: true) else { return nil }
                x = sum
            }
        }
        return x.globalAveragePool2d()
    }

    /// Logits [N, classCount] (the features when the ResNet has no classifier).
    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        let f = features(input)
        guard let classifier else { return f }
        return Graph.withoutRecording {
            let product = Tensor.matmul(f, transposeA: false, classifier.weight, transposeB: true)
            return classifier.bias.map { product + $0 } ?? product
        }
    }
}

extension ResNet {
    /// This network with its batch norms folded into its convolutions, for fast evaluation
    /// (a snapshot: see `InferenceResNet`).
    public func foldedForInference() -> InferenceResNet<Scalar> { InferenceResNet(self) }
}
