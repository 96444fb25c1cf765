import Autodiff
import Testing

/// Direct six-loop convolution, the definition the im2col kernels must agree with.
func naiveConv2d(_ x: Tensor<Double>, _ w: Tensor<Double>, bias: Tensor<Double>?, stride: Int, padding: Int, dilation: Int, groups: Int) -> Tensor<Double> {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let oh = (h + 2 * padding - dilation * (kh - 1) - 1) / stride + 1
    let ow = (wd + 2 * padding - dilation * (kw - 1) - 1) / stride + 1
    let og = o / groups
    let out = Tensor<Double>(zeros: [n, o, oh, ow])
    for b in 0..<n { for oc in 0..<o { for oy in 0..<oh { for ox in 0..<ow {
        var acc = bias?[oc] ?? 0
        let g = oc / og
        for ic in 0..<cg { for ky in 0..<kh { for kx in 0..<kw {
            let iy = oy * stride - padding + ky * dilation, ix = ox * stride - padding + kx * dilation
            if iy >= 0 && iy < h && ix >= 0 && ix < wd { acc += x[b, g * cg + ic, iy, ix] * w[oc, ic, ky, kx] }
        } } }
        out[b, oc, oy, ox] = acc
    } } } }
    _ = c
    return out
}

func maxAbsDifference(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    precondition(a.shape == b.shape, "compared shapes differ: \(a.shape) vs \(b.shape)")
    return zip(a.scalars, b.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
}

/// The message a validator throws, or nil when it accepts its arguments.
func shapeErrorMessage(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch { return "\(error)" }
}

@Suite struct ConvolutionTests {
    struct Config: CustomStringConvertible, Sendable {
        let input: [Int], weight: [Int], bias: Bool, stride: Int, padding: Int, dilation: Int, groups: Int
        var description: String { "x\(input) w\(weight) bias \(bias) s\(stride) p\(padding) d\(dilation) g\(groups)" }
    }

    static let configs: [Config] = [
        Config(input: [2, 3, 6, 5], weight: [4, 3, 3, 3], bias: true, stride: 1, padding: 1, dilation: 1, groups: 1),
        Config(input: [3, 4, 9, 7], weight: [6, 2, 3, 3], bias: true, stride: 2, padding: 1, dilation: 1, groups: 2),
        Config(input: [1, 2, 8, 8], weight: [2, 2, 3, 3], bias: false, stride: 1, padding: 2, dilation: 2, groups: 1),
        Config(input: [5, 8, 4, 4], weight: [8, 8, 1, 1], bias: true, stride: 1, padding: 0, dilation: 1, groups: 1),
        Config(input: [4, 6, 7, 7], weight: [3, 6, 1, 1], bias: false, stride: 2, padding: 0, dilation: 1, groups: 1),
        Config(input: [2, 3, 11, 11], weight: [5, 3, 7, 7], bias: true, stride: 2, padding: 3, dilation: 1, groups: 1),
        // Many images with tiny outputs: the kernel batches them into shared gemms.
        Config(input: [13, 4, 3, 3], weight: [5, 4, 3, 3], bias: true, stride: 1, padding: 1, dilation: 1, groups: 1),
        Config(input: [2, 6, 5, 5], weight: [6, 1, 3, 3], bias: false, stride: 1, padding: 1, dilation: 1, groups: 6),
    ]

    @Test(arguments: configs)
    func forwardMatchesNaiveLoop(_ config: Config) throws {
        var rng = RandomGenerator(seed: 101)
        let x = Tensor<Double>(randomNormal: config.input, generator: &rng)
        let w = Tensor<Double>(randomNormal: config.weight, generator: &rng)
        let b = config.bias ? Tensor<Double>(randomNormal: [config.weight[0]], generator: &rng) : nil
        let ours = x.conv2d(weight: w, bias: b, stride: config.stride, padding: config.padding, dilation: config.dilation, groups: config.groups)
        let reference = naiveConv2d(x, w, bias: b, stride: config.stride, padding: config.padding, dilation: config.dilation, groups: config.groups)
        #expect(maxAbsDifference(ours, reference) < 1e-12)
    }

    @Test(arguments: configs)
    func float32AgreesWithFloat64(_ config: Config) {
        var rng = RandomGenerator(seed: 7)
        let x = Tensor<Double>(randomNormal: config.input, generator: &rng, requiresGrad: true)
        let w = Tensor<Double>(randomNormal: config.weight, generator: &rng, requiresGrad: true)
        let b = config.bias ? Tensor<Double>(randomNormal: [config.weight[0]], generator: &rng, requiresGrad: true) : nil
        let x32 = x.converted(to: Float.self), w32 = w.converted(to: Float.self), b32 = b?.converted(to: Float.self)
        for t in [x32, w32] { t.requiresGrad = true }
        b32?.requiresGrad = true
        let y = x.conv2d(weight: w, bias: b, stride: config.stride, padding: config.padding, dilation: config.dilation, groups: config.groups)
        let y32 = x32.conv2d(weight: w32, bias: b32, stride: config.stride, padding: config.padding, dilation: config.dilation, groups: config.groups)
        (y * y).sum().backward()
        (y32 * y32).sum().backward()
        #expect(maxAbsDifference(y, y32.converted()) < 1e-4)
        #expect(maxAbsDifference(x.grad!, x32.grad!.converted()) < 1e-3)
        #expect(maxAbsDifference(w.grad!, w32.grad!.converted()) < 1e-3)
        if let b, let b32 { #expect(maxAbsDifference(b.grad!, b32.grad!.converted()) < 1e-3) }
    }

    @Test func weightGradientSumsOverTheBatch() {
        // The gradient for a batch equals the sum of the per-image gradients.
        var rng = RandomGenerator(seed: 5)
        let x = Tensor<Double>(randomNormal: [6, 2, 5, 5], generator: &rng)
        let w = Tensor<Double>(randomNormal: [3, 2, 3, 3], generator: &rng, requiresGrad: true)
        x.conv2d(weight: w, padding: 1).sum().backward()
        let whole = w.grad!.copy()
        w.zeroGrad()
        for i in 0..<6 {
            let one = Tensor<Double>(shape: [1, 2, 5, 5], scalars: Array(x.scalars[(i * 50)..<((i + 1) * 50)]))
            one.conv2d(weight: w, padding: 1).sum().backward()
        }
        #expect(maxAbsDifference(whole, w.grad!) < 1e-10)
    }

    @Test func backwardIsBitwiseReproducible() {
        // Threads claim work dynamically, but partial sums are added in a fixed order.
        var rng = RandomGenerator(seed: 12)
        let x = Tensor<Float>(randomNormal: [11, 3, 6, 6], generator: &rng)
        let w = Tensor<Float>(randomNormal: [4, 3, 3, 3], generator: &rng, requiresGrad: true)
        let b = Tensor<Float>(randomNormal: [4], generator: &rng, requiresGrad: true)
        var results: [[Float]] = []
        for _ in 0..<4 {
            w.zeroGrad(); b.zeroGrad()
            x.conv2d(weight: w, bias: b, padding: 1).squared().sum().backward()
            results.append(w.grad!.scalars + b.grad!.scalars)
        }
        #expect(results.allSatisfy { $0 == results[0] })
    }

    @Test func validatorMessagesNameOpAndShapes() {
        func message(_ input: [Int], _ weight: [Int], bias: [Int]? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) -> String? {
            shapeErrorMessage { _ = try Conv2dGeometry(input: input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups) }
        }
        let channels = message([2, 3, 8, 8], [4, 5, 3, 3])
        #expect(channels == "conv2d: weight expects 5 input channels (5 per group × 1 groups), input has 3 (input [2, 3, 8, 8], weight [4, 5, 3, 3], stride 1, padding 0, dilation 1, groups 1)")
        let groups = message([2, 6, 8, 8], [4, 2, 3, 3], groups: 4)
        #expect(groups?.hasPrefix("conv2d: groups 4 must divide both the input channels 6 and the output channels 4") == true)
        let tooLarge = message([1, 1, 2, 2], [1, 1, 5, 5], padding: 1)
        #expect(tooLarge?.contains("kernel (dilated extent 5×5) is larger than the padded input 4×4") == true)
        #expect(tooLarge?.contains("input [1, 1, 2, 2], weight [1, 1, 5, 5]") == true)
        let dilated = message([1, 1, 5, 5], [1, 1, 3, 3], dilation: 3)
        #expect(dilated?.contains("dilated extent 7×7") == true)
        let bias = message([1, 2, 5, 5], [3, 2, 3, 3], bias: [2])
        #expect(bias?.contains("bias must be [3]") == true && bias?.contains("bias [2]") == true)
        #expect(message([1, 2, 5], [3, 2, 3, 3])?.contains("input must be [N, C, H, W] (input [1, 2, 5]") == true)
        #expect(message([1, 2, 5, 5], [3, 2, 3, 3], stride: 0)?.contains("stride, dilation and groups must be >= 1") == true)
        // A valid geometry has PyTorch's output size.
        let ok = try? Conv2dGeometry(input: [2, 3, 112, 112], weight: [64, 3, 7, 7], bias: nil, stride: 2, padding: 3, dilation: 1, groups: 1)
        #expect(ok?.outputShape == [2, 64, 56, 56])
    }
}
