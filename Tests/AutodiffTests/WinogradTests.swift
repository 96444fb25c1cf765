import CKernels
import CKernelsTestSupport
import Foundation
import Testing
@testable import Autodiff

/// Winograd F(2x2, 3x3) convolutions (Sources/CKernels/winograd.c) against the direct
/// convolution on im2col: in Float64 to 1e-12 (the transforms are exact up to rounding), in
/// Float32 on oneDNN's channel blocks against Float64, with fewer tiles than channels (every tile
/// transformed first) and more (a chunk at a time), odd sizes (a tile past the edge), a bias, an
/// added residual and ReLU; NaN and infinities reach exactly the outputs whose window holds them.
struct WinogradTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let n, c, o, h, w: Int
        var testDescription: String { "[\(n),\(c),\(h),\(w)] -> \(o)" }
    }

    static let cases = [
        Case(n: 1, c: 1, o: 1, h: 1, w: 1),
        Case(n: 2, c: 3, o: 5, h: 5, w: 7),
        Case(n: 1, c: 40, o: 24, h: 4, w: 6),  // 6 tiles, 40 channels: all tiles first
        Case(n: 2, c: 16, o: 32, h: 24, w: 23),  // 288 tiles: five chunks, the last partial
        Case(n: 3, c: 32, o: 16, h: 2, w: 3),
    ]

    /// [n, c, h, w] as oneDNN's blocks [n, c / block, h, w, block].
    static func blocked<S>(_ x: [S], _ n: Int, _ c: Int, _ h: Int, _ w: Int, _ block: Int) -> [S] {
        var out = x
        for i in 0..<n { for ch in 0..<c { for p in 0..<(h * w) {
            out[((i * (c / block) + ch / block) * h * w + p) * block + ch % block] = x[(i * c + ch) * h * w + p]
        } } }
        return out
    }

    static func unblocked<S>(_ x: [S], _ n: Int, _ c: Int, _ h: Int, _ w: Int, _ block: Int) -> [S] {
        var out = x
        for i in 0..<n { for ch in 0..<c { for p in 0..<(h * w) {
            out[(i * c + ch) * h * w + p] = x[((i * (c / block) + ch / block) * h * w + p) * block + ch % block]
        } } }
        return out
    }

    /// relu(residual + conv(x, w) + bias) (residual and ReLU optional) through the C entry points,
    /// on NCHW values laid out in `block`s for the call.
    static func winograd<S: TensorScalar>(_ x: Tensor<S>, _ w: Tensor<S>, _ bias: Tensor<S>?, residual: Tensor<S>?, relu: Bool,
                                          block: Int) -> [S] {
        let (n, c, h, wd, o) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], w.shape[0])
        let input = blocked(x.scalars, n, c, h, wd, block)
        let output = residual.map { blocked($0.scalars, n, o, h, wd, block) } ?? [S](repeating: .nan, count: n * o * h * wd)
        let (weights, b) = (w.scalars, bias?.scalars)
        let accumulate: Int32 = residual == nil ? 0 : 1, rectify: Int32 = relu ? 1 : 0
        if S.self == Double.self {
            var (y, u) = (output as! [Double], [Double](repeating: 0, count: 16 * c * o))
            ck_winograd3x3_weights_f64(weights as! [Double], o, c, &u)
            ck_winograd3x3_f64(input as! [Double], n, c, h, wd, block, u, o, b as! [Double]?, &y, accumulate, rectify, 0)
            return unblocked(y as! [S], n, o, h, wd, block)
        }
        var (y, u) = (output as! [Float], [Float](repeating: 0, count: 16 * c * o))
        ck_winograd3x3_weights_f32(weights as! [Float], o, c, &u)
        ck_winograd3x3_f32(input as! [Float], n, c, h, wd, block, u, o, b as! [Float]?, &y, accumulate, rectify, 0)
        return unblocked(y as! [S], n, o, h, wd, block)
    }

    /// The weight gradient [o, c, 3, 3] given x and gy through the C entry point, laid out in
    /// `block`s for the call.
    static func weightGradient<S: TensorScalar>(_ x: Tensor<S>, _ gy: Tensor<S>, block: Int) -> [S] {
        let (n, c, h, wd, o) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], gy.shape[1])
        let input = blocked(x.scalars, n, c, h, wd, block), gradient = blocked(gy.scalars, n, o, h, wd, block)
        if S.self == Double.self {
            var gw = [Double](repeating: .nan, count: o * c * 9)
            ck_winograd3x3_weight_gradient_f64(input as! [Double], gradient as! [Double], n, c, h, wd, block, o, &gw)
            return gw as! [S]
        }
        var gw = [Float](repeating: .nan, count: o * c * 9)
        ck_winograd3x3_weight_gradient_f32(input as! [Float], gradient as! [Float], n, c, h, wd, block, o, &gw)
        return gw as! [S]
    }

    /// The input gradient [n, c, h, w] of the convolution by w [o, c, 3, 3] given gy [n, o, h, w],
    /// through the C entry point (the filters' forward matrices, read with positions swapped).
    static func dataGradient(_ gy: Tensor<Double>, _ w: Tensor<Double>, block: Int) -> [Double] {
        let (n, o, h, wd, c) = (gy.shape[0], gy.shape[1], gy.shape[2], gy.shape[3], w.shape[1])
        var (gx, u) = ([Double](repeating: .nan, count: n * c * h * wd), [Double](repeating: 0, count: 16 * c * o))
        ck_winograd3x3_weights_f64(w.scalars, o, c, &u)
        ck_winograd3x3_f64(blocked(gy.scalars, n, o, h, wd, block), n, c, h, wd, block, u, o, nil, &gx, 0, 0, 1)
        return unblocked(gx, n, c, h, wd, block)
    }

    /// The direct convolution's input and weight gradients on im2col.
    static func directGradients(_ x: Tensor<Double>, _ w: Tensor<Double>, _ gy: Tensor<Double>) -> (gx: [Double], gw: [Double]) {
        let input = Tensor<Double>(shape: x.shape, scalars: x.scalars, requiresGrad: true)
        let weight = Tensor<Double>(shape: w.shape, scalars: w.scalars, requiresGrad: true)
        input.conv2d(weight: weight, padding: 1).backward(seed: gy)
        return (input.grad!.scalars, weight.grad!.scalars)
    }

    static func direct(_ x: Tensor<Double>, _ w: Tensor<Double>, _ bias: Tensor<Double>?, residual: Tensor<Double>?, relu: Bool) -> [Double] {
        Graph.withoutRecording {
            var y = x.conv2d(weight: w, bias: bias, padding: 1)
            if let residual { y = y + residual }
            return (relu ? y.relu() : y).scalars
        }
    }

    static func inputs(_ t: Case, seed: UInt64) -> (x: Tensor<Double>, w: Tensor<Double>, b: Tensor<Double>, r: Tensor<Double>) {
        var rng = RandomGenerator(seed: seed)
        return (Tensor(randomNormal: [t.n, t.c, t.h, t.w], generator: &rng), Tensor(randomNormal: [t.o, t.c, 3, 3], std: 0.3, generator: &rng),
                Tensor(randomNormal: [t.o], generator: &rng), Tensor(randomNormal: [t.n, t.o, t.h, t.w], generator: &rng))
    }

    static func worstRelative<S: BinaryFloatingPoint>(_ a: [S], _ b: [Double]) -> Double {
        let scale = max(1, b.map { abs($0) }.max() ?? 0)
        return zip(a, b).map { abs(Double($0) - $1) / scale }.max() ?? 0
    }

    @Test(arguments: cases)
    func float64MatchesTheDirectConvolution(_ t: Case) {
        let (x, w, b, r) = Self.inputs(t, seed: UInt64(t.c * 7 + t.o))
        for (bias, residual, relu) in [(nil, nil, false), (b, nil, false), (b, r, true), (nil, r, false)] as [(Tensor<Double>?, Tensor<Double>?, Bool)] {
            let got = Self.winograd(x, w, bias, residual: residual, relu: relu, block: 1)
            let want = Self.direct(x, w, bias, residual: residual, relu: relu)
            #expect(Self.worstRelative(got, want) < 1e-12, "bias \(bias != nil), residual \(residual != nil), relu \(relu)")
        }
    }

    /// The weight gradient (tiles summed a chunk at a time, more than one chunk for the widest
    /// case) against the direct convolution's, in Float64.
    @Test(arguments: cases)
    func float64WeightGradientMatchesTheDirectConvolution(_ t: Case) {
        let (x, w, _, gy) = Self.inputs(t, seed: UInt64(t.c * 3 + t.h))
        #expect(Self.worstRelative(Self.weightGradient(x, gy, block: 1), Self.directGradients(x, w, gy).gw) < 1e-12)
    }

    /// The data gradient (the flipped filters' matrices are the forward ones with positions 0
    /// and 3 swapped) against the direct convolution's, in Float64, in NCHW and in blocks of 8
    /// where the channels allow.
    @Test(arguments: cases)
    func float64DataGradientMatchesTheDirectConvolution(_ t: Case) {
        let (x, w, _, gy) = Self.inputs(t, seed: UInt64(t.o * 5 + t.w))
        let want = Self.directGradients(x, w, gy).gx
        for block in [1, 8] where t.c % block == 0 && t.o % block == 0 {
            #expect(Self.worstRelative(Self.dataGradient(gy, w, block: block), want) < 1e-12, "block \(block)")
        }
    }

    /// Float32 in 8- and 16-channel blocks (the two layouts the inference chains use) agrees with
    /// the Float64 direct convolution as closely as Float32 allows.
    @Test(arguments: [Case(n: 2, c: 16, o: 32, h: 7, w: 5), Case(n: 1, c: 64, o: 16, h: 3, w: 3), Case(n: 3, c: 16, o: 16, h: 12, w: 13)])
    func float32InBlocksAgreesWithFloat64(_ t: Case) {
        let (x, w, b, r) = Self.inputs(t, seed: UInt64(t.h * 5 + t.c))
        let want = Self.direct(x, w, b, residual: r, relu: true)
        for block in [1, 8, 16] {
            let got = Self.winograd(x.converted(to: Float.self), w.converted(to: Float.self), b.converted(to: Float.self), residual: r.converted(to: Float.self),
                                    relu: true, block: block)
            #expect(Self.worstRelative(got, want) < 1e-5, "block \(block)")
            let gradient = Self.weightGradient(x.converted(to: Float.self), r.converted(to: Float.self), block: block)
            #expect(Self.worstRelative(gradient, Self.directGradients(x, w, r).gw) < 1e-5, "weight gradient, block \(block)")
        }
    }

    /// NaN goes exactly where the direct convolution puts it; an infinity makes the outputs whose
    /// window holds it non-finite, as the direct convolution does, though the transform's sums
    /// may turn ∞ − ∞ into NaN where the direct convolution keeps an infinity.
    @Test func nanAndInfinityReachTheOutputsTheirWindowsCover() {
        let t = Case(n: 2, c: 3, o: 4, h: 9, w: 8)
        let (x, w, _, _) = Self.inputs(t, seed: 5)
        x.data[10] = .nan
        x.data[100] = .infinity
        x.data[300] = -.infinity
        let got = Self.winograd(x, w, nil, residual: nil, relu: false, block: 1)
        let want = Self.direct(x, w, nil, residual: nil, relu: false)
        #expect(want.contains { $0.isNaN } && want.contains { $0.isInfinite })
        for (g, d) in zip(got, want) {
            #expect(g.isFinite == d.isFinite)
            if d.isNaN { #expect(g.isNaN) }
        }
        #expect(Self.worstRelative(zip(got, want).filter { $1.isFinite }.map(\.0), want.filter(\.isFinite)) < 1e-12)
    }

    /// Training on oneDNN runs the forward pass and the data gradient of a wide 3x3 convolution
    /// as Winograd convolutions: NaN and infinities reach the outputs and input gradients im2col
    /// sends them to (non-finite where im2col is, NaN at least where im2col has NaN).
    @Test func trainingConvolutionsCarryNaNAndInfinityToTheSamePlaces() {
        var rng = RandomGenerator(seed: 17)
        let x = Tensor<Float>(randomNormal: [2, 64, 6, 5], generator: &rng)
        let w = Tensor<Float>(randomNormal: [64, 64, 3, 3], std: 0.05, generator: &rng)
        let gy = Tensor<Float>(randomNormal: [2, 64, 6, 5], generator: &rng)
        x.data[7] = .nan
        x.data[1000] = .infinity
        gy.data[2520] = .nan
        gy.data[3100] = -.infinity
        func run(_ engine: Int32) -> (y: [Float], gx: [Float]) {
            let previous = ck_testing_use_conv_engine(engine)
            defer { _ = ck_testing_use_conv_engine(previous) }
            let input = Tensor<Float>(shape: x.shape, scalars: x.scalars, requiresGrad: true)
            let y = input.conv2d(weight: w, padding: 1)
            y.backward(seed: gy)
            return (y.scalars, input.grad!.scalars)
        }
        let before = ck_onednn_stats().calls
        let fast = run(Int32(CK_CONV_ENGINE_ONEDNN)), reference = run(Int32(CK_CONV_ENGINE_IM2COL))
        #expect(ck_onednn_stats().calls > before, "oneDNN ran")
        for (name, got, want) in [("output", fast.y, reference.y), ("input gradient", fast.gx, reference.gx)] {
            #expect(want.contains { $0.isNaN } && want.contains { $0.isInfinite }, "\(name): the case reaches both")
            #expect(zip(got, want).allSatisfy { $0.isFinite == $1.isFinite && (!$1.isNaN || $0.isNaN) }, "\(name)")
        }
    }

    /// The configuration is read at each call, not when a shape's plan is first made: turned off
    /// and on again, the same shape runs directly, then as Winograd convolutions again (forward,
    /// data and weight gradients: three per training step of a convolution without bias).
    @Test func theConfigurationIsObeyedCallByCall() async {
        await #expect(processExitsWith: .success) {
            var rng = RandomGenerator(seed: 2)
            let x = Tensor<Float>(randomNormal: [2, 64, 6, 6], generator: &rng, requiresGrad: true)
            let w = Tensor<Float>(randomNormal: [64, 64, 3, 3], std: 0.05, generator: &rng, requiresGrad: true)
            func step(winograd: Bool) -> UInt64 {
                Kernels.configure(RuntimeConfiguration(convolutionEngine: .onednn, winogradConvolutions: winograd))
                let before = ck_winograd_calls()
                x.conv2d(weight: w, padding: 1).sum().backward()
                return ck_winograd_calls() - before
            }
            precondition(step(winograd: false) == 0, "Winograd ran while turned off")
            precondition(step(winograd: true) == 3, "not every direction ran as a Winograd convolution")
            precondition(step(winograd: false) == 0, "Winograd ran while turned off again")
        }
    }

    /// LRN_WINOGRAD=off turns them off whatever the configuration says, on turns them on; another
    /// value stops the process at the first convolution, naming the variable.
    @Test func theEnvironmentVariableOverridesTheConfiguration() async {
        await #expect(processExitsWith: .success) {
            setenv("LRN_WINOGRAD", "off", 1)
            Kernels.configure(RuntimeConfiguration(winogradConvolutions: true))
            precondition(ck_winograd_allowed() == 0, "LRN_WINOGRAD=off was not obeyed")
        }
        await #expect(processExitsWith: .success) {
            setenv("LRN_WINOGRAD", "on", 1)
            Kernels.configure(RuntimeConfiguration(winogradConvolutions: false))
            precondition(ck_winograd_allowed() == 1, "LRN_WINOGRAD=on was not obeyed")
        }
        await #expect(processExitsWith: .success) {
            Kernels.configure(RuntimeConfiguration(winogradConvolutions: false))
            precondition(ck_winograd_allowed() == 0, "the configuration was not obeyed")
        }
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            setenv("LRN_WINOGRAD", "yes", 1)
            _ = ck_winograd_allowed()
        }
        let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        #expect(message.contains("LRN_WINOGRAD=yes: expected on or off"))
    }
}
