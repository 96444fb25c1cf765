import Autodiff
import CKernels
import CKernelsTestSupport
import Foundation
import Testing

/// oneDNN's float32 convolution against im2col, the reference (Documentation/Performance.md,
/// "oneDNN at the op boundary"). Both sum the same products in different orders, so each output
/// may differ from the exact sum by at most about L·u·Σ|terms| (L terms summed, u = 2^-24): the
/// two engines may differ by twice that. Σ|terms| comes from running im2col on the absolute
/// values, so the tolerance follows each output's own sum length and magnitude.
@Suite(.serialized) struct ConvolutionEngineTests {
    struct Case: CustomStringConvertible, Sendable {
        let n, c, h, w, o, k, stride, pad: Int
        var dilation = 1, groups = 1, bias = true
        var description: String { "n\(n) c\(c) \(h)x\(w) o\(o) k\(k) s\(stride) p\(pad) d\(dilation) g\(groups) bias \(bias)" }

        var shape: ck_conv2d_shape {
            let span = (k - 1) * dilation + 1
            return ck_conv2d_shape(n: n, c: c, h: h, w: w, o: o, kh: k, kw: k,
                                   oh: (h + 2 * pad - span) / stride + 1, ow: (w + 2 * pad - span) / stride + 1,
                                   stride: stride, pad: pad, dilation: dilation, groups: groups)
        }
    }

    // Odd sizes, strides 1 and 2, padding 0/1/3, 1x1/3x3/7x7, batch 1, and channel counts that
    // leave tails of oneDNN's 8-channel blocks (3, 5, 13, 17) beside whole blocks (16).
    static let cases: [Case] = [
        Case(n: 1, c: 3, h: 23, w: 19, o: 16, k: 7, stride: 2, pad: 3),   // a stem
        Case(n: 2, c: 5, h: 9, w: 11, o: 13, k: 3, stride: 1, pad: 1),
        Case(n: 1, c: 17, h: 7, w: 7, o: 5, k: 3, stride: 2, pad: 1, bias: false),
        Case(n: 3, c: 16, h: 8, w: 8, o: 16, k: 3, stride: 1, pad: 1),
        Case(n: 2, c: 13, h: 10, w: 9, o: 17, k: 1, stride: 2, pad: 0, bias: false),  // a downsample
        Case(n: 1, c: 16, h: 6, w: 5, o: 24, k: 1, stride: 1, pad: 0),
        Case(n: 2, c: 8, h: 5, w: 6, o: 8, k: 3, stride: 1, pad: 3),
        Case(n: 1, c: 5, h: 13, w: 13, o: 3, k: 7, stride: 1, pad: 0),
        Case(n: 2, c: 6, h: 9, w: 9, o: 4, k: 3, stride: 1, pad: 1, dilation: 2, groups: 2),
        // Winograd convolutions in the forward pass and the data gradient (64 channels and more):
        // more tiles than channels, then fewer.
        Case(n: 2, c: 64, h: 9, w: 7, o: 64, k: 3, stride: 1, pad: 1),
        Case(n: 3, c: 64, h: 5, w: 5, o: 128, k: 3, stride: 1, pad: 1, bias: false),
    ]

    /// Deterministic values in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(state >> 40) / Float(1 << 23) - 1
        }
    }

    struct Tensors {
        var x, w, b, gy: [Float]
        init(_ s: ck_conv2d_shape, seed: UInt64) {
            x = ConvolutionEngineTests.values(s.n * s.c * s.h * s.w, seed: seed)
            w = ConvolutionEngineTests.values(s.o * (s.c / s.groups) * s.kh * s.kw, seed: seed + 1)
            b = ConvolutionEngineTests.values(s.o, seed: seed + 2)
            gy = ConvolutionEngineTests.values(s.n * s.o * s.oh * s.ow, seed: seed + 3)
        }
    }

    struct Outputs: Equatable {
        var y, gx, gw, gb: [Float]
    }

    /// Forward and all three gradients on one engine; nil if oneDNN refused.
    static func run(_ s: ck_conv2d_shape, _ t: Tensors, bias: Bool, onednn: Bool) -> Outputs? {
        var shape = s
        var out = Outputs(y: [Float](repeating: .nan, count: t.gy.count), gx: [Float](repeating: .nan, count: t.x.count),
                          gw: [Float](repeating: .nan, count: t.w.count), gb: [Float](repeating: .nan, count: s.o))
        var done = true
        var gb = out.gb
        t.x.withUnsafeBufferPointer { x in t.w.withUnsafeBufferPointer { w in t.b.withUnsafeBufferPointer { b in
            t.gy.withUnsafeBufferPointer { gy in gb.withUnsafeMutableBufferPointer { gbBuffer in
                let biasPointer = bias ? b.baseAddress : nil, gbPointer = bias ? gbBuffer.baseAddress : nil
                if onednn {
                    done = ck_conv2d_onednn_forward_f32(&shape, x.baseAddress, w.baseAddress, biasPointer, &out.y) == 1
                    done = done && ck_conv2d_onednn_backward_f32(&shape, x.baseAddress, w.baseAddress, gy.baseAddress,
                                                                 &out.gx, &out.gw, gbPointer) == 1
                } else {
                    ck_conv2d_im2col_forward_f32(&shape, x.baseAddress, w.baseAddress, biasPointer, &out.y)
                    ck_conv2d_im2col_backward_f32(&shape, x.baseAddress, w.baseAddress, gy.baseAddress,
                                                  &out.gx, &out.gw, gbPointer)
                }
            } }
        } } }
        out.gb = gb
        return done ? out : nil
    }

    /// Largest |a - b| / bound over elements, where bound = 2·L·u·Σ|terms|.
    static func worstRatio(_ a: [Float], _ b: [Float], magnitude: [Float], terms: Int) -> Double {
        let u = Double(Float.ulpOfOne) / 2
        var worst = 0.0
        for i in a.indices {
            let bound = 2 * Double(terms) * u * Double(magnitude[i]) + Double(Float.leastNormalMagnitude)
            worst = max(worst, Double(Swift.abs(a[i] - b[i])) / bound)
        }
        return worst
    }

    @Test(arguments: cases) func oneDNNMatchesIm2colInEveryDirection(_ c: Case) throws {
        let s = c.shape
        let t = Tensors(s, seed: UInt64(s.c * 31 + s.o * 7 + s.kh))
        let reference = try #require(Self.run(s, t, bias: c.bias, onednn: false))
        let onednn = try #require(Self.run(s, t, bias: c.bias, onednn: true), "oneDNN refused \(c)")
        var magnitudes = t
        magnitudes.x = t.x.map(Swift.abs); magnitudes.w = t.w.map(Swift.abs)
        magnitudes.b = t.b.map(Swift.abs); magnitudes.gy = t.gy.map(Swift.abs)
        let scale = try #require(Self.run(s, magnitudes, bias: c.bias, onednn: false))
        let kernel = (s.c / s.groups) * s.kh * s.kw
        // Terms per sum: forward, a kernel's products (+ bias); backward-data, at most every output
        // channel of the group times the kernel taps; backward-weights and bias, every output position.
        #expect(Self.worstRatio(onednn.y, reference.y, magnitude: scale.y, terms: kernel + 1) <= 1, "forward \(c)")
        #expect(Self.worstRatio(onednn.gx, reference.gx, magnitude: scale.gx, terms: (s.o / s.groups) * s.kh * s.kw) <= 1,
                "backward-data \(c)")
        #expect(Self.worstRatio(onednn.gw, reference.gw, magnitude: scale.gw, terms: s.n * s.oh * s.ow) <= 1,
                "backward-weights \(c)")
        if c.bias {
            #expect(Self.worstRatio(onednn.gb, reference.gb, magnitude: scale.gb, terms: s.n * s.oh * s.ow) <= 1,
                    "bias gradient \(c)")
        }
    }

    /// oneDNN's results repeat from one call to the next (and do not change with the thread count:
    /// ThreadCountIndependenceTests).
    @Test func oneDNNRepeatsItsBitsAtAFixedThreadCount() throws {
        let s = Case(n: 16, c: 16, h: 8, w: 8, o: 32, k: 3, stride: 1, pad: 1).shape
        let t = Tensors(s, seed: 11)
        let first = try #require(Self.run(s, t, bias: true, onednn: true))
        for _ in 0..<3 { #expect(Self.run(s, t, bias: true, onednn: true) == first) }
    }

    /// The classes of each output, for comparing where NaN and infinities land.
    static func classes(_ v: [Float]) -> [String] {
        v.map { $0.isNaN ? "nan" : $0 == .infinity ? "+inf" : $0 == -.infinity ? "-inf" : "finite" }
    }

    @Test func nanAndInfinityPropagateAsInIm2col() throws {
        // Padding 1 and 8-channel tails; one NaN and one +inf in x, one NaN in gy. Weights stay
        // finite: im2col multiplies padding zeros by the weights (0·inf = NaN) where oneDNN skips
        // padding, so an infinite weight would differ at the border by design.
        let s = Case(n: 2, c: 11, h: 9, w: 8, o: 9, k: 3, stride: 1, pad: 1).shape
        var t = Tensors(s, seed: 5)
        t.x[3 * s.h * s.w + 4 * s.w + 4] = .nan  // image 0, channel 3, centre
        t.x[(s.c + 6) * s.h * s.w + 0] = .infinity  // image 1, channel 6, corner
        t.gy[(s.o + 2) * s.oh * s.ow + 10] = .nan
        let reference = try #require(Self.run(s, t, bias: true, onednn: false))
        let onednn = try #require(Self.run(s, t, bias: true, onednn: true))
        let landed = Set(Self.classes(reference.y))
        #expect(landed.contains("nan") && (landed.contains("+inf") || landed.contains("-inf")))
        #expect(Self.classes(onednn.y) == Self.classes(reference.y))
        #expect(Self.classes(onednn.gx) == Self.classes(reference.gx))
        #expect(Self.classes(onednn.gw) == Self.classes(reference.gw))
        #expect(Self.classes(onednn.gb) == Self.classes(reference.gb))
        #expect(Self.classes(onednn.gw).contains("nan"))
    }

    /// A shape oneDNN refuses (a dilation beyond its 32-bit index range; tiny tensors) runs on
    /// im2col through the engine-dispatching entry points, with im2col's results.
    @Test func aShapeOneDNNRefusesFallsBackToIm2col() throws {
        let dilation = 1 << 31, pad = 1 << 30, stride = 1 << 31
        let s = ck_conv2d_shape(n: 1, c: 1, h: 1, w: 1, o: 1, kh: 2, kw: 1, oh: 1, ow: 2,
                                stride: stride, pad: pad, dilation: dilation, groups: 1)
        let t = Tensors(s, seed: 9)
        #expect(Self.run(s, t, bias: true, onednn: true) == nil, "oneDNN now accepts this shape: pick another")
        let reference = try #require(Self.run(s, t, bias: true, onednn: false))

        let previous = ck_testing_use_conv_engine(Int32(CK_CONV_ENGINE_ONEDNN))
        defer { _ = ck_testing_use_conv_engine(previous) }
        let refusedBefore = ck_onednn_stats().refused
        var shape = s
        var y = [Float](repeating: .nan, count: 2), gx = [Float](repeating: .nan, count: 1)
        var gw = [Float](repeating: .nan, count: 2), gb = [Float](repeating: .nan, count: 1)
        ck_conv2d_forward_f32(&shape, t.x, t.w, t.b, &y)
        ck_conv2d_backward_f32(&shape, t.x, t.w, t.gy, &gx, &gw, &gb)
        #expect(ck_onednn_stats().refused == refusedBefore + 2)
        #expect(Outputs(y: y, gx: gx, gw: gw, gb: gb) == reference)
    }

    /// The dispatching entry point runs oneDNN when it is chosen (its statistics count the call)
    /// and im2col, bit for bit, when im2col is.
    @Test func theChosenEngineRuns() throws {
        let s = ConvolutionEngineTests.cases[1].shape
        let t = Tensors(s, seed: 3)
        let reference = try #require(Self.run(s, t, bias: true, onednn: false))
        let previous = ck_testing_use_conv_engine(Int32(CK_CONV_ENGINE_IM2COL))
        defer { _ = ck_testing_use_conv_engine(previous) }
        for engine in [CK_CONV_ENGINE_IM2COL, CK_CONV_ENGINE_ONEDNN] {
            _ = ck_testing_use_conv_engine(Int32(engine))
            let callsBefore = ck_onednn_stats().calls
            var shape = s
            var y = [Float](repeating: .nan, count: reference.y.count)
            ck_conv2d_forward_f32(&shape, t.x, t.w, t.b, &y)
            if engine == CK_CONV_ENGINE_IM2COL {
                #expect(y == reference.y)
                #expect(ck_onednn_stats().calls == callsBefore)
            } else {
                #expect(ck_onednn_stats().calls == callsBefore + 1)
            }
        }
    }

    @Test func theEnvironmentVariableIsReadStrictly() {
        #expect(ck_conv_engine_parse(nil) == Int32(CK_CONV_ENGINE_DEFAULT))
        #expect(ck_conv_engine_parse("") == Int32(CK_CONV_ENGINE_DEFAULT))
        #expect(ck_conv_engine_parse("im2col") == Int32(CK_CONV_ENGINE_IM2COL))
        #expect(ck_conv_engine_parse("onednn") == Int32(CK_CONV_ENGINE_ONEDNN))
        #expect(ck_conv_engine_parse("oneDNN") == -1)
        #expect(ck_conv_engine_parse("mkl") == -1)
    }

    @Test func theConfigurationChoosesTheEngineUnlessTheEnvironmentDoes() {
        let saved = Kernels.configuration, savedEngine = ck_conv_engine()
        defer {
            if let saved { Kernels.configure(saved) }
            _ = ck_testing_use_conv_engine(savedEngine)
        }
        let forced = ProcessInfo.processInfo.environment["LRN_CONV_ENGINE"].flatMap(ConvolutionEngine.init(rawValue:))
        for engine in ConvolutionEngine.allCases {
            Kernels.configure(RuntimeConfiguration(convolutionEngine: engine))
            #expect(Kernels.configuration?.convolutionEngine == engine)
            #expect(Kernels.convolutionEngine == forced ?? engine)
        }
    }

    /// float64 has no other engine: it gives im2col's bits whichever is chosen.
    @Test func float64StaysOnIm2col() {
        var s = Case(n: 2, c: 5, h: 7, w: 7, o: 9, k: 3, stride: 1, pad: 1).shape
        let x = Self.values(s.n * s.c * s.h * s.w, seed: 1).map(Double.init)
        let w = Self.values(s.o * s.c * 9, seed: 2).map(Double.init)
        var reference = [Double](repeating: .nan, count: s.n * s.o * s.oh * s.ow), y = reference
        ck_conv2d_im2col_forward_f64(&s, x, w, nil, &reference)
        let previous = ck_testing_use_conv_engine(Int32(CK_CONV_ENGINE_ONEDNN))
        defer { _ = ck_testing_use_conv_engine(previous) }
        let callsBefore = ck_onednn_stats().calls
        ck_conv2d_forward_f64(&s, x, w, nil, &y)
        #expect(y == reference)
        #expect(ck_onednn_stats().calls == callsBefore)
    }
}
