import Autodiff
import Testing

/// Direct pooling loops, PyTorch's definitions: max with -inf padding, average dividing by the
/// window size including padding.
func naivePool2d(_ x: Tensor<Double>, kernel: Int, stride: Int, padding: Int, max: Bool) -> Tensor<Double> {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
    let out = Tensor<Double>(zeros: [n, c, oh, ow])
    for b in 0..<n { for ch in 0..<c { for oy in 0..<oh { for ox in 0..<ow {
        var best = -Double.infinity, sum = 0.0
        for ky in 0..<kernel { for kx in 0..<kernel {
            let iy = oy * stride - padding + ky, ix = ox * stride - padding + kx
            guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
            best = Swift.max(best, x[b, ch, iy, ix])
            sum += x[b, ch, iy, ix]
        } }
        out[b, ch, oy, ox] = max ? best : sum / Double(kernel * kernel)
    } } } }
    return out
}

@Suite struct PoolingTests {
    static let configs: [(kernel: Int, stride: Int?, padding: Int)] = [(2, nil, 0), (3, 2, 1), (3, 1, 1), (2, 3, 1), (5, 2, 2), (1, nil, 0)]

    @Test func forwardMatchesNaiveLoops() {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor<Double>(randomNormal: [2, 3, 9, 7], generator: &rng)
        for config in Self.configs {
            let stride = config.stride ?? config.kernel
            let maxRef = naivePool2d(x, kernel: config.kernel, stride: stride, padding: config.padding, max: true)
            let avgRef = naivePool2d(x, kernel: config.kernel, stride: stride, padding: config.padding, max: false)
            #expect(maxAbsDifference(x.maxPool2d(kernelSize: config.kernel, stride: config.stride, padding: config.padding), maxRef) == 0, "\(config)")
            #expect(maxAbsDifference(x.avgPool2d(kernelSize: config.kernel, stride: config.stride, padding: config.padding), avgRef) < 1e-14, "\(config)")
        }
    }

    @Test func maxPoolRoutesGradientToTheFirstMaximumOnTies() {
        // PyTorch keeps the first maximum of a window (row-major order).
        let x = Tensor<Double>(shape: [1, 1, 2, 2], scalars: [1, 3, 3, 0], requiresGrad: true)
        x.maxPool2d(kernelSize: 2).sum().backward()
        #expect(x.grad!.scalars == [0, 1, 0, 0])
    }

    @Test func maxPoolPropagatesNaN() {
        let x = Tensor<Double>(shape: [1, 1, 2, 4], scalars: [1, .nan, 5, 6, 7, 2, 3, 4])
        let y = x.maxPool2d(kernelSize: 2)
        #expect(y[0, 0, 0, 0].isNaN)
        #expect(y[0, 0, 0, 1] == 6)
    }

    @Test func maxPoolPaddingNeverWins() {
        // All-negative input: with zero padding the border outputs would be 0, with -inf they are not.
        let x = Tensor<Double>(repeating: -2, shape: [1, 1, 3, 3])
        let y = x.maxPool2d(kernelSize: 3, stride: 1, padding: 1)
        #expect(y.scalars.allSatisfy { $0 == -2 })
    }

    @Test func avgPoolCountsPaddingInTheDivisor() {
        let x = Tensor<Double>(ones: [1, 1, 2, 2])
        // Each 3x3 window around a corner holds 4 ones and 5 padded zeros.
        let y = x.avgPool2d(kernelSize: 3, stride: 1, padding: 1)
        #expect(y.scalars.allSatisfy { Swift.abs($0 - 4.0 / 9.0) < 1e-15 })
    }

    @Test func globalAveragePoolIsThePlaneMean() {
        let x = Tensor<Double>(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 4, 10, 20, 30, 40])
        let y = x.globalAveragePool2d()
        #expect(y.shape == [1, 2])
        #expect(y.scalars == [2.5, 25])
    }

    @Test func float32AgreesWithFloat64() {
        var rng = RandomGenerator(seed: 9)
        let x = Tensor<Double>(randomNormal: [3, 4, 8, 6], generator: &rng, requiresGrad: true)
        let x32 = x.converted(to: Float.self)
        x32.requiresGrad = true
        func pipeline<S>(_ t: Tensor<S>) -> Tensor<S> {
            let m = t.maxPool2d(kernelSize: 3, stride: 2, padding: 1)
            let a = t.avgPool2d(kernelSize: 2)
            return (m * m).sum() + (a * a).sum() + t.globalAveragePool2d().sum()
        }
        let y = pipeline(x), y32 = pipeline(x32)
        y.backward(); y32.backward()
        #expect(Swift.abs(y.scalar - Double(y32.scalar)) < 1e-4 * Swift.max(1, Swift.abs(y.scalar)))
        #expect(maxAbsDifference(x.grad!, x32.grad!.converted()) < 1e-5)
    }

    @Test func validatorMessagesNameOpAndShapes() {
        func message(_ op: String, _ input: [Int], _ kernel: Int, stride: Int? = nil, padding: Int = 0) -> String? {
            shapeErrorMessage { _ = try Pool2dGeometry(op: op, input: input, kernelSize: kernel, stride: stride, padding: padding) }
        }
        #expect(message("maxPool2d", [1, 2, 3, 3], 5) == "maxPool2d: kernel 5×5 is larger than the padded input 3×3 (input [1, 2, 3, 3], kernelSize 5, stride 5, padding 0)")
        #expect(message("avgPool2d", [1, 2, 8, 8], 3, padding: 2)?.hasPrefix("avgPool2d: padding must be at most half the kernel size (1)") == true)
        #expect(message("maxPool2d", [2, 8, 8], 2)?.contains("input must be [N, C, H, W] (input [2, 8, 8]") == true)
        #expect(message("maxPool2d", [1, 1, 8, 8], 2, stride: 0)?.contains("stride 0") == true)
        #expect(shapeErrorMessage { try Tensor<Float>.validateGlobalAveragePool([4, 512]) } == "globalAveragePool2d: input must be [N, C, H, W] with H, W >= 1, got [4, 512]")
        // ResNet18's stem pooling: 56x56 -> 28x28.
        #expect((try? Pool2dGeometry(op: "maxPool2d", input: [2, 64, 56, 56], kernelSize: 3, stride: 2, padding: 1))?.outputShape == [2, 64, 28, 28])
    }
}
