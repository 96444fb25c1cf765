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

    @Test func exactFitMatchesFloorMode() {
        let x = Tensor<Float>(shape: [1, 2, 4, 4], scalars: (0..<32).map { Float(($0 * 7) % 11) })
        #expect(CeilModeMaxPool2d<Float>(kernelSize: 2, stride: 2)(x).scalars == x.maxPool2d(kernelSize: 2, stride: 2).scalars)
    }
}
