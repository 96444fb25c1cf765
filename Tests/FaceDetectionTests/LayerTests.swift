import Autodiff
@testable import FaceDetection
import Testing

@Suite struct PReLUTests {
    @Test func slopePerChannelOnFeatureMaps() {
        let prelu = PReLU<Float>(channels: 2)
        prelu.weight = Tensor(shape: [2], scalars: [0.5, 2])
        let x = Tensor<Float>(shape: [1, 2, 1, 3], scalars: [-2, 0, 3, -1, 4, -0.5])
        #expect(prelu(x).scalars == [-1, 0, 3, -2, 4, -1])
    }

    @Test func slopePerFeatureOnVectors() {
        let prelu = PReLU<Float>(channels: 3)
        prelu.weight = Tensor(shape: [3], scalars: [0.1, 0.2, 0.3])
        let x = Tensor<Float>(shape: [2, 3], scalars: [-10, -10, -10, 1, 2, 3])
        #expect(prelu(x).scalars == [-1, -2, -3, 1, 2, 3])
    }

    /// The one-pass inference path and the recorded ops agree, NaN included; the recorded path
    /// carries gradients to the input and the slopes.
    @Test func inferenceAndTrainingPathsAgree() throws {
        let prelu = PReLU<Float>(channels: 3)
        prelu.weight = Tensor(shape: [3], scalars: [0.1, -0.5, 2])
        let values: [Float] = (0..<24).map { Float($0 % 7) - 3.5 }.enumerated().map { $0.offset == 5 ? .nan : $0.element }
        let x = Tensor<Float>(shape: [2, 3, 2, 2], scalars: values)
        let fast = Graph.withoutRecording { prelu(x) }.scalars
        let recorded = prelu.differentiable(x).scalars
        #expect(zip(fast, recorded).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(fast[5].isNaN)
        prelu.weight.requiresGrad = true
        let input = Tensor<Float>(shape: [1, 3, 1, 1], scalars: [-2, 3, -1], requiresGrad: true)
        prelu(input).sum().backward()
        #expect(input.grad?.scalars == [0.1, 1, 2])
        #expect(prelu.weight.grad?.scalars == [-2, 0, -1])
    }

    @Test func namesItsParameterLikePyTorch() {
        #expect(PReLU<Float>(channels: 4).namedParameters.map(\.name) == ["weight"])
        #expect(PReLU<Float>(channels: 4).weight.scalars == [0.25, 0.25, 0.25, 0.25])
    }
}

@Suite struct CeilModeMaxPoolTests {
    @Test func outputLengthsRoundUp() {
        // PyTorch: MaxPool2d(2, 2, ceil_mode=True) on 5 -> 3; MaxPool2d(3, 2, ceil_mode=True) on 6 -> 3, on 5 -> 2.
        #expect(CeilModeMaxPool2d<Float>(kernelSize: 2, stride: 2).outputLength(5) == 3)
        #expect(CeilModeMaxPool2d<Float>(kernelSize: 3, stride: 2).outputLength(6) == 3)
        #expect(CeilModeMaxPool2d<Float>(kernelSize: 3, stride: 2).outputLength(5) == 2)
        #expect(CeilModeMaxPool2d<Float>(kernelSize: 2, stride: 2).outputLength(4) == 2)
    }

    /// The last partial window takes the maximum of what it covers, even when all of it is
    /// negative (the padding is -infinity, not 0).
    @Test func partialWindowsKeepNegativeMaxima() {
        let x = Tensor<Float>(shape: [1, 1, 5, 5], scalars: (0..<25).map { Float($0) - 100 })
        let y = CeilModeMaxPool2d<Float>(kernelSize: 2, stride: 2)(x)
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.scalars == [6, 8, 9, 16, 18, 19, 21, 23, 24].map { Float($0) - 100 })
    }

    /// The copy-free inference path and the recorded path agree (NaN propagates in both), and
    /// the recorded path passes gradients to each window's maximum.
    @Test func inferenceAndTrainingPathsAgree() {
        var values: [Float] = (0..<(2 * 3 * 7 * 9)).map { (i: Int) -> Float in Float((i * 37) % 101) - 50 }
        values[20] = .nan
        let x = Tensor<Float>(shape: [2, 3, 7, 9], scalars: values)
        for pool in [CeilModeMaxPool2d<Float>(kernelSize: 3, stride: 2), CeilModeMaxPool2d<Float>(kernelSize: 2, stride: 2)] {
            let fast = Graph.withoutRecording { pool(x) }
            let recorded = pool.differentiable(x)
            #expect(fast.shape == recorded.shape)
            #expect(zip(fast.scalars, recorded.scalars).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
            #expect(fast.scalars.contains { $0.isNaN })
        }
        let input = Tensor<Float>(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9], requiresGrad: true)
        CeilModeMaxPool2d<Float>(kernelSize: 2, stride: 2)(input).sum().backward()
        #expect(input.grad?.scalars == [0, 0, 0, 0, 1, 1, 0, 1, 1])
    }

    @Test func exactFitMatchesFloorMode() {
        let x = Tensor<Float>(shape: [1, 2, 4, 4], scalars: (0..<32).map { Float(($0 * 7) % 11) })
        #expect(CeilModeMaxPool2d<Float>(kernelSize: 2, stride: 2)(x).scalars == x.maxPool2d(kernelSize: 2, stride: 2).scalars)
    }
}
