import Autodiff
import CKernels
import CKernelsTestSupport
import Testing

/// Inference chains in oneDNN's layout (Sources/CKernels/inference_onednn.c) against the NCHW
/// tensor ops on im2col: the same values up to rounding, NaN and infinities where the tensor ops
/// put them, and channel counts that leave the last channel block partly padding.
@Suite(.serialized) struct EngineActivationTests {
    /// Runs `body` with float32 convolutions on `engine`, restoring the previous one after.
    static func on<T>(_ engine: Int32, _ body: () throws -> T) rethrows -> T {
        let previous = ck_testing_use_conv_engine(engine)
        defer { _ = ck_testing_use_conv_engine(previous) }
        return try body()
    }

    static let oneDNN = Int32(CK_CONV_ENGINE_ONEDNN), im2col = Int32(CK_CONV_ENGINE_IM2COL)

    /// Both tensors' values agree to `tolerance` relative to the larger magnitude, and their NaN
    /// and infinities sit at the same places.
    static func expectClose(_ a: Tensor<Float>, _ b: Tensor<Float>, tolerance: Float = 2e-5, _ what: String) {
        #expect(a.shape == b.shape, "\(what): shapes")
        let scale = max(1, a.scalars.filter(\.isFinite).map { abs($0) }.max() ?? 0)
        var worst: Float = 0
        for (x, y) in zip(a.scalars, b.scalars) {
            if x.isNaN || y.isNaN || x.isInfinite || y.isInfinite {
                #expect(x.isNaN == y.isNaN && (x.isNaN || x == y), "\(what): \(x) against \(y)")
            } else {
                worst = max(worst, abs(x - y) / scale)
            }
        }
        #expect(worst < tolerance, "\(what): relative difference \(worst)")
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let n, c, h, w, o, k, stride, pad: Int
        var testDescription: String { "[\(n),\(c),\(h),\(w)] -> \(o) k\(k) s\(stride) p\(pad)" }
    }

    // Input channels 3 (the stem's NCHW input), 8 and 16 (whole blocks), 12, 20 and 24 (a
    // padded last block with 16-channel blocks, or with 8).
    static let cases = [
        Case(n: 2, c: 3, h: 17, w: 15, o: 8, k: 7, stride: 2, pad: 3),
        Case(n: 3, c: 24, h: 9, w: 9, o: 20, k: 3, stride: 1, pad: 1),
        Case(n: 1, c: 8, h: 11, w: 7, o: 16, k: 1, stride: 2, pad: 0),
        Case(n: 2, c: 16, h: 6, w: 6, o: 12, k: 3, stride: 2, pad: 1),
        Case(n: 2, c: 20, h: 5, w: 8, o: 12, k: 3, stride: 1, pad: 0),
        // Winograd convolutions (3x3, stride 1, 128 channels and more): fewer tiles than channels
        // (every tile transformed first), then more (a chunk at a time, the last one partial).
        Case(n: 2, c: 128, h: 7, w: 5, o: 128, k: 3, stride: 1, pad: 1),
        Case(n: 3, c: 128, h: 14, w: 13, o: 144, k: 3, stride: 1, pad: 1),
    ]

    /// conv (+ bias) → ReLU, then a second convolution adding the first's output as residual,
    /// max pooling and the global average: each read back and compared with the tensor ops.
    @Test(arguments: cases)
    func aChainMatchesTheTensorOps(_ t: Case) throws {
        var rng = RandomGenerator(seed: UInt64(t.c * 31 + t.o))
        let x = Tensor<Float>(randomNormal: [t.n, t.c, t.h, t.w], generator: &rng)
        let w1 = Tensor<Float>(randomNormal: [t.o, t.c, t.k, t.k], std: 0.3, generator: &rng)
        let b1 = Tensor<Float>(randomNormal: [t.o], generator: &rng)
        let w2 = Tensor<Float>(randomNormal: [t.o, t.o, 3, 3], std: 0.2, generator: &rng)
        // Tensor ops on im2col: the reference.
        let (y1, y2, pooled, averaged) = Self.on(Self.im2col) {
            Graph.withoutRecording {
                let y1 = x.conv2d(weight: w1, bias: b1, stride: t.stride, padding: t.pad).relu()
                let y2 = (y1.conv2d(weight: w2, padding: 1) + y1).relu()
                let pooled = y2.maxPool2d(kernelSize: 3, stride: 2, padding: 1)
                return (y1, y2, pooled, y2.globalAveragePool2d())
            }
        }
        let e1 = EngineWeights(w1), e2 = EngineWeights(w2)
        let winogradBefore = ck_winograd_calls()
        try Self.on(Self.oneDNN) {
            let start = try #require(EngineActivation(x))
            #expect((start.channelsPerBlock == 1) == (t.c <= 4), "an image batch stays NCHW, wider inputs go into blocks")
            let a1 = try #require(start.conv2d(weight: e1, bias: b1, stride: t.stride, padding: t.pad, relu: true))
            #expect([8, 16].contains(a1.channelsPerBlock))
            Self.expectClose(a1.tensor(), y1, "conv + ReLU")
            let residual = try #require(start.conv2d(weight: e1, bias: b1, stride: t.stride, padding: t.pad, relu: true))
            let a2 = try #require(a1.conv2d(weight: e2, bias: nil, stride: 1, padding: 1, addingTo: residual, relu: true))
            Self.expectClose(a2.tensor(), y2, "conv + residual + ReLU")
            Self.expectClose(try #require(a2.maxPool2d(kernelSize: 3, stride: 2, padding: 1)).tensor(), pooled, "max pooling")
            Self.expectClose(a2.globalAveragePool2d(), averaged, "global average")
        }
        // At least (other suites may run Winograd convolutions at the same time).
        if Kernels.configuration?.winogradConvolutions ?? true {
            let expected = t.o >= 128 ? (t.c >= 128 && t.k == 3 && t.stride == 1 && t.pad == 1 ? 3 : 1) : 0
            #expect(ck_winograd_calls() - winogradBefore >= UInt64(expected), "Winograd convolutions")
        }
    }

    /// NaN and infinities in the input reach the outputs the tensor ops send them to: ReLU lets
    /// NaN through (oneDNN's own ReLU would make it 0), max pooling keeps a window's NaN.
    @Test func nanAndInfinityPropagateAsInTheTensorOps() throws {
        var rng = RandomGenerator(seed: 41)
        let x = Tensor<Float>(randomNormal: [2, 8, 9, 9], generator: &rng)
        x.data[5] = .nan
        x.data[200] = .infinity
        x.data[700] = -.infinity
        let w = Tensor<Float>(randomNormal: [16, 8, 1, 1], std: 0.3, generator: &rng)
        let (reference, pooled) = Self.on(Self.im2col) {
            Graph.withoutRecording {
                let y = x.maxPool2d(kernelSize: 3, stride: 2, padding: 1).conv2d(weight: w).relu()
                return (y, x.maxPool2d(kernelSize: 3, stride: 2, padding: 1))
            }
        }
        #expect(reference.scalars.contains { $0.isNaN })
        try Self.on(Self.oneDNN) {
            let start = try #require(EngineActivation(x))
            let p = try #require(start.maxPool2d(kernelSize: 3, stride: 2, padding: 1))
            Self.expectClose(p.tensor(), pooled, "max pooling")
            let y = try #require(p.conv2d(weight: EngineWeights(w), bias: nil, stride: 1, padding: 0, relu: true))
            Self.expectClose(y.tensor(), reference, "1x1 conv + ReLU after pooling")
        }
    }

    /// oneDNN offers only its unvectorised code for some narrow layers (5 channels in a block of
    /// 8 with a residual, here): the chain refuses them, and the residual stays the caller's.
    @Test func aRefusedConvolutionLeavesItsResidualAlone() throws {
        var rng = RandomGenerator(seed: 43)
        let x = Tensor<Float>(randomNormal: [2, 16, 6, 6], generator: &rng)
        let w = Tensor<Float>(randomNormal: [5, 16, 3, 3], std: 0.3, generator: &rng)
        let w2 = Tensor<Float>(randomNormal: [5, 5, 3, 3], std: 0.3, generator: &rng)
        try Self.on(Self.oneDNN) {
            let start = try #require(EngineActivation(x))
            let e = EngineWeights(w)
            guard let narrow = start.conv2d(weight: e, bias: nil, stride: 1, padding: 1, relu: false),
                  let residual = start.conv2d(weight: e, bias: nil, stride: 1, padding: 1, relu: false) else { return }
            let before = residual.tensor()
            if narrow.conv2d(weight: EngineWeights(w2), bias: nil, stride: 1, padding: 1, addingTo: residual, relu: true) == nil {
                #expect(residual.tensor().scalars == before.scalars)
            }
        }
    }

    @Test func thereIsNoChainOnIm2col() {
        Self.on(Self.im2col) {
            #expect(EngineActivation(Tensor<Float>(zeros: [1, 2, 3, 3])) == nil)
        }
    }
}
