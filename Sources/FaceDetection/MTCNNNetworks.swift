import Autodiff
import Layers

// The three networks of MTCNN (Zhang et al. 2016), with the layer names and shapes of the
// trained weights shipped in Weights/ (facenet-pytorch's state dicts). Inputs are RGB in
// [N, 3, H, W], scaled as (pixel - 127.5) / 128. Probabilities are softmax over
// (not a face, face); regressions are box-edge offsets in units of the box size.

/// Stage 1, fully convolutional: any input of at least 12x12; each output cell looks at a
/// 12x12 window, cells 2 pixels apart.
public final class PNet: Module {
    public typealias Scalar = Float
    let conv1: Conv2d<Float>, prelu1 = PReLU<Float>(channels: 10), pool1 = CeilModeMaxPool2d<Float>(kernelSize: 2, stride: 2)
    let conv2: Conv2d<Float>, prelu2 = PReLU<Float>(channels: 16)
    let conv3: Conv2d<Float>, prelu3 = PReLU<Float>(channels: 32)
    let conv4_1: Conv2d<Float>, conv4_2: Conv2d<Float>
    public var isTraining = false

    /// Randomly initialised; `MTCNNWeights` loads the trained values.
    public init() {
        var g = RandomGenerator(seed: 0)
        conv1 = Conv2d(inputChannels: 3, outputChannels: 10, kernelSize: 3, generator: &g)
        conv2 = Conv2d(inputChannels: 10, outputChannels: 16, kernelSize: 3, generator: &g)
        conv3 = Conv2d(inputChannels: 16, outputChannels: 32, kernelSize: 3, generator: &g)
        conv4_1 = Conv2d(inputChannels: 32, outputChannels: 2, kernelSize: 1, generator: &g)
        conv4_2 = Conv2d(inputChannels: 32, outputChannels: 4, kernelSize: 1, generator: &g)
    }

    public var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        prefixed("conv1", conv1.namedParameters) + prefixed("prelu1", prelu1.namedParameters)
            + prefixed("conv2", conv2.namedParameters) + prefixed("prelu2", prelu2.namedParameters)
            + prefixed("conv3", conv3.namedParameters) + prefixed("prelu3", prelu3.namedParameters)
            + prefixed("conv4_1", conv4_1.namedParameters) + prefixed("conv4_2", conv4_2.namedParameters)
    }
    public var namedBuffers: [(name: String, tensor: Tensor<Float>)] { [] }

    /// regression [N, 4, H', W'] and probabilities [N, 2, H', W'].
    public func callAsFunction(_ input: Tensor<Float>) -> (regression: Tensor<Float>, probabilities: Tensor<Float>) {
        guard input.rank == 4, input.shape[1] == 3, input.shape[2] >= 12, input.shape[3] >= 12 else {
            fatalError("PNet: expected input [N, 3, H >= 12, W >= 12], got \(shapeString(input.shape))")
        }
        var x = pool1(prelu1(conv1(input)))
        x = prelu3(conv3(prelu2(conv2(x))))
        return (conv4_2(x), conv4_1(x).softmax(axis: 1))
    }
}

/// Stage 2: refines 24x24 candidate crops.
public final class RNet: Module {
    public typealias Scalar = Float
    let conv1: Conv2d<Float>, prelu1 = PReLU<Float>(channels: 28), pool1 = CeilModeMaxPool2d<Float>(kernelSize: 3, stride: 2)
    let conv2: Conv2d<Float>, prelu2 = PReLU<Float>(channels: 48), pool2 = CeilModeMaxPool2d<Float>(kernelSize: 3, stride: 2)
    let conv3: Conv2d<Float>, prelu3 = PReLU<Float>(channels: 64)
    let dense4: Linear<Float>, prelu4 = PReLU<Float>(channels: 128)
    let dense5_1: Linear<Float>, dense5_2: Linear<Float>
    public var isTraining = false

    public init() {
        var g = RandomGenerator(seed: 0)
        conv1 = Conv2d(inputChannels: 3, outputChannels: 28, kernelSize: 3, generator: &g)
        conv2 = Conv2d(inputChannels: 28, outputChannels: 48, kernelSize: 3, generator: &g)
        conv3 = Conv2d(inputChannels: 48, outputChannels: 64, kernelSize: 2, generator: &g)
        dense4 = Linear(inputSize: 576, outputSize: 128, generator: &g)
        dense5_1 = Linear(inputSize: 128, outputSize: 2, generator: &g)
        dense5_2 = Linear(inputSize: 128, outputSize: 4, generator: &g)
    }

    public var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        prefixed("conv1", conv1.namedParameters) + prefixed("prelu1", prelu1.namedParameters)
            + prefixed("conv2", conv2.namedParameters) + prefixed("prelu2", prelu2.namedParameters)
            + prefixed("conv3", conv3.namedParameters) + prefixed("prelu3", prelu3.namedParameters)
            + prefixed("dense4", dense4.namedParameters) + prefixed("prelu4", prelu4.namedParameters)
            + prefixed("dense5_1", dense5_1.namedParameters) + prefixed("dense5_2", dense5_2.namedParameters)
    }
    public var namedBuffers: [(name: String, tensor: Tensor<Float>)] { [] }

    /// regression [N, 4] and probabilities [N, 2].
    public func callAsFunction(_ input: Tensor<Float>) -> (regression: Tensor<Float>, probabilities: Tensor<Float>) {
        guard input.rank == 4, input.shape[1] == 3, input.shape[2] == 24, input.shape[3] == 24 else {
            fatalError("RNet: expected input [N, 3, 24, 24], got \(shapeString(input.shape))")
        }
        var x = pool1(prelu1(conv1(input)))
        x = pool2(prelu2(conv2(x)))
        x = prelu3(conv3(x))
        // The trained dense layer reads features in (W, H, C) order (the original Caffe layout).
        x = prelu4(dense4(x.permuted([0, 3, 2, 1]).reshaped([input.shape[0], 576])))
        return (dense5_2(x), dense5_1(x).softmax(axis: 1))
    }
}

/// Stage 3: the final score, box and five landmarks from 48x48 crops.
public final class ONet: Module {
    public typealias Scalar = Float
    let conv1: Conv2d<Float>, prelu1 = PReLU<Float>(channels: 32), pool1 = CeilModeMaxPool2d<Float>(kernelSize: 3, stride: 2)
    let conv2: Conv2d<Float>, prelu2 = PReLU<Float>(channels: 64), pool2 = CeilModeMaxPool2d<Float>(kernelSize: 3, stride: 2)
    let conv3: Conv2d<Float>, prelu3 = PReLU<Float>(channels: 64), pool3 = CeilModeMaxPool2d<Float>(kernelSize: 2, stride: 2)
    let conv4: Conv2d<Float>, prelu4 = PReLU<Float>(channels: 128)
    let dense5: Linear<Float>, prelu5 = PReLU<Float>(channels: 256)
    let dense6_1: Linear<Float>, dense6_2: Linear<Float>, dense6_3: Linear<Float>
    public var isTraining = false

    public init() {
        var g = RandomGenerator(seed: 0)
        conv1 = Conv2d(inputChannels: 3, outputChannels: 32, kernelSize: 3, generator: &g)
        conv2 = Conv2d(inputChannels: 32, outputChannels: 64, kernelSize: 3, generator: &g)
        conv3 = Conv2d(inputChannels: 64, outputChannels: 64, kernelSize: 3, generator: &g)
        conv4 = Conv2d(inputChannels: 64, outputChannels: 128, kernelSize: 2, generator: &g)
        dense5 = Linear(inputSize: 1152, outputSize: 256, generator: &g)
        dense6_1 = Linear(inputSize: 256, outputSize: 2, generator: &g)
        dense6_2 = Linear(inputSize: 256, outputSize: 4, generator: &g)
        dense6_3 = Linear(inputSize: 256, outputSize: 10, generator: &g)
    }

    public var namedParameters: [(name: String, tensor: Tensor<Float>)] {
        prefixed("conv1", conv1.namedParameters) + prefixed("prelu1", prelu1.namedParameters)
            + prefixed("conv2", conv2.namedParameters) + prefixed("prelu2", prelu2.namedParameters)
            + prefixed("conv3", conv3.namedParameters) + prefixed("prelu3", prelu3.namedParameters)
            + prefixed("conv4", conv4.namedParameters) + prefixed("prelu4", prelu4.namedParameters)
            + prefixed("dense5", dense5.namedParameters) + prefixed("prelu5", prelu5.namedParameters)
            + prefixed("dense6_1", dense6_1.namedParameters) + prefixed("dense6_2", dense6_2.namedParameters)
            + prefixed("dense6_3", dense6_3.namedParameters)
    }
    public var namedBuffers: [(name: String, tensor: Tensor<Float>)] { [] }

    /// regression [N, 4], landmarks [N, 10] (five x then five y, as fractions of the box) and
    /// probabilities [N, 2].
    public func callAsFunction(_ input: Tensor<Float>) -> (regression: Tensor<Float>, landmarks: Tensor<Float>, probabilities: Tensor<Float>) {
        guard input.rank == 4, input.shape[1] == 3, input.shape[2] == 48, input.shape[3] == 48 else {
            fatalError("ONet: expected input [N, 3, 48, 48], got \(shapeString(input.shape))")
        }
        var x = pool1(prelu1(conv1(input)))
        x = pool2(prelu2(conv2(x)))
        x = pool3(prelu3(conv3(x)))
        x = prelu4(conv4(x))
        x = prelu5(dense5(x.permuted([0, 3, 2, 1]).reshaped([input.shape[0], 1152])))
        return (dense6_2(x), dense6_3(x), dense6_1(x).softmax(axis: 1))
    }
}
