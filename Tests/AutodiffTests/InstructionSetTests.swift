import CKernels
import CKernelsTestSupport
import Foundation
import Testing
@testable import Autodiff

/// The AVX2 and AVX-512 variants of the kernels must give exactly the generic results: the same
/// bits, and NaN exactly where the generic code has NaN. Every op with variants runs forward and
/// backward in Float and Double on odd sizes (vector tails, and sizes above the parallel grain
/// so each thread's chunk has its own tail), broadcasts, permuted copies, and inputs holding NaN,
/// ±infinity, ±0 and extreme values.
@Suite(.serialized) struct InstructionSetTests {
    static let avx2Runs = ck_testing_cpu_supports_isa(Int32(CK_ISA_AVX2)) != 0
    static let avx512Runs = ck_testing_cpu_supports_isa(Int32(CK_ISA_AVX512)) != 0

    @Test(.enabled(if: avx2Runs, "this CPU (or its OS) has no AVX2+FMA, so the AVX2 variants cannot run here"))
    func avx2MatchesGeneric() { expectSameResults(as: .avx2) }

    @Test(.enabled(if: avx512Runs, "this CPU (or its OS) has no AVX-512 F/BW/DQ/VL with ZMM state enabled, so the AVX-512 variants cannot run here"))
    func avx512MatchesGeneric() { expectSameResults(as: .avx512) }

    @Test func theSwitchRefusesWhatTheCPUCannotRun() {
        #expect(ck_testing_cpu_supports_isa(Int32(CK_ISA_GENERIC)) != 0)
        for isa in [CK_ISA_AVX2, CK_ISA_AVX512] where ck_testing_cpu_supports_isa(Int32(isa)) == 0 {
            let before = Kernels.instructionSet
            #expect(ck_testing_use_isa(Int32(isa)) == -1)
            #expect(Kernels.instructionSet == before)
        }
        #expect(ck_testing_use_isa(99) == -1)
    }

    /// The set in use is the CPU's best, capped by LRN_MAX_ISA when it is set.
    @Test func reportsTheInstructionSetInUse() {
        let best = InstructionSet.allCases.last { ck_testing_cpu_supports_isa(Self.code($0)) != 0 }!
        let order = InstructionSet.allCases
        var expected = best
        if let cap = ProcessInfo.processInfo.environment["LRN_MAX_ISA"], let limit = InstructionSet(rawValue: cap),
           order.firstIndex(of: limit)! < order.firstIndex(of: best)! {
            expected = limit
        }
        #expect(Kernels.instructionSet == expected)
        #expect(String(cString: ck_isa_name(ck_isa())) == Kernels.instructionSet.rawValue)
    }

    /// Nothing runs at load: the CPU and LRN_MAX_ISA are probed on the first kernel call, so a
    /// value set before it is obeyed, and eight threads making that call together probe once.
    @Test func theProbeRunsOnceOnFirstUse() async {
        await #expect(processExitsWith: .success) {
            precondition(ck_testing_isa_probes() == 0, "the CPU was probed before any kernel ran")
            setenv("LRN_MAX_ISA", "generic", 1)
            DispatchQueue.concurrentPerform(iterations: 8) { _ in _ = Tensor<Float>(zeros: [100_000]).relu() }
            precondition(ck_testing_isa_probes() == 1, "probed \(ck_testing_isa_probes()) times")
            precondition(Kernels.instructionSet == .generic, "LRN_MAX_ISA=generic set before the first kernel was not obeyed")
        }
    }

    /// An unknown LRN_MAX_ISA stops the process at the first kernel call, naming the variable.
    @Test func anUnknownCapStopsTheFirstKernelCall() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            setenv("LRN_MAX_ISA", "avx", 1)
            _ = Tensor<Float>(zeros: [3]).relu()
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("LRN_MAX_ISA=avx: expected generic, avx2 or avx512"), "stderr: \(stderr)")
    }

    @Test func theVariableNamesACapOrIsRefused() {
        #expect(ck_isa_parse_cap("generic") == Int32(CK_ISA_GENERIC))
        #expect(ck_isa_parse_cap("avx2") == Int32(CK_ISA_AVX2))
        #expect(ck_isa_parse_cap("avx512") == Int32(CK_ISA_AVX512))
        #expect(ck_isa_parse_cap(nil) == Int32(CK_ISA_AVX512) && ck_isa_parse_cap("") == Int32(CK_ISA_AVX512))
        for wrong in ["AVX2", "avx", "sse2", "avx2 ", "native"] { #expect(ck_isa_parse_cap(wrong) == -1, "\(wrong)") }
    }

    @Test func theComparisonSeesOneULPAndAMisplacedNaN() {
        let a: [Float] = [1, .nan, 3]
        #expect(Self.firstDifference(a, [1, .nan, 3]) == nil)
        #expect(Self.firstDifference(a, [1, .nan, Float(3).nextUp]) == 2)
        #expect(Self.firstDifference(a, [1, 2, 3]) == 1)
        #expect(Self.firstDifference(a, [.nan, .nan, 3]) == 0)
        #expect(Self.firstDifference([Float(0)], [-Float(0)]) == 0)
    }

    // ---- the comparison ------------------------------------------------------------------------

    static func code(_ isa: InstructionSet) -> Int32 {
        switch isa {
        case .generic: return Int32(CK_ISA_GENERIC)
        case .avx2: return Int32(CK_ISA_AVX2)
        case .avx512: return Int32(CK_ISA_AVX512)
        }
    }

    /// The index of the first element whose bits differ (any NaN equals any NaN), or a count
    /// mismatch at the shorter length.
    static func firstDifference<S: TensorScalar>(_ a: [S], _ b: [S]) -> Int? {
        for i in 0..<min(a.count, b.count) {
            if a[i].isNaN != b[i].isNaN { return i }
            let same = a[i].sign == b[i].sign && a[i].exponentBitPattern == b[i].exponentBitPattern
                && a[i].significandBitPattern == b[i].significandBitPattern
            if !a[i].isNaN && !same { return i }
        }
        return a.count == b.count ? nil : min(a.count, b.count)
    }

    func run<S: TensorScalar>(_ isa: InstructionSet, _: S.Type) -> [(String, [S])] {
        let previous = ck_testing_use_isa(Self.code(isa))
        precondition(previous >= 0, "the CPU cannot run \(isa)")
        defer { _ = ck_testing_use_isa(previous) }
        #expect(Kernels.instructionSet == isa)
        return KernelWorkload<S>().run()
    }

    func expectSameResults(as isa: InstructionSet) {
        compare(isa, Float.self)
        compare(isa, Double.self)
    }

    func compare<S: TensorScalar>(_ isa: InstructionSet, _ type: S.Type) {
        let reference = run(.generic, type), variant = run(isa, type)
        #expect(reference.count == variant.count)
        for ((name, a), (_, b)) in zip(reference, variant) {
            if let i = Self.firstDifference(a, b) {
                let got = i < b.count ? "\(b[i])" : "nothing", want = i < a.count ? "\(a[i])" : "nothing"
                Issue.record("\(isa) \(S.dtypeName) \(name): element \(i) is \(got), generic gives \(want)")
            }
        }
    }
}

/// Every op whose kernels have instruction-set variants, forward and backward, with named
/// results. Deterministic: the same inputs on every run.
struct KernelWorkload<S: TensorScalar> {
    /// Odd sizes: below a vector, a few vectors plus a tail, and above the parallel grain.
    let sizes = [1, 7, 33, 1003, 40_001]
    var results: [(String, [S])] = []

    /// Random normal values with NaN, ±infinity, ±0, huge, tiny and exp-overflowing ones spread
    /// through the vector bodies and the tails.
    static func input(_ count: Int, seed: UInt64, specials: Bool = true) -> [S] {
        var rng = RandomGenerator(seed: seed)
        var v = Tensor<S>(randomNormal: [count], generator: &rng).scalars
        guard specials else { return v }
        let values: [S] = [.nan, .infinity, -.infinity, 0, -0.0, S(1e30), S(-1e30),
                           .leastNonzeroMagnitude, 90, -90, 750, -750, 3, -3]
        for (j, s) in values.enumerated() { v[(j * 37 + count / 2 + 3) % count] = s }
        return v
    }

    static func tensor(_ shape: [Int], seed: UInt64, specials: Bool = true, grad: Bool = true) -> Tensor<S> {
        Tensor(shape: shape, scalars: input(shape.reduce(1, *), seed: seed, specials: specials), requiresGrad: grad)
    }

    /// Runs y = f(inputs) and backward with a random seed; records y and every input gradient.
    mutating func record(_ name: String, _ inputs: [Tensor<S>], _ f: () -> Tensor<S>) {
        for x in inputs { x.grad = nil }
        let y = f()
        results.append((name, y.scalars))
        let seed = Tensor<S>(shape: y.shape, scalars: Self.input(y.count, seed: 99, specials: false))
        y.backward(seed: seed)
        for (i, x) in inputs.enumerated() { results.append(("\(name) d/dx\(i)", x.grad?.scalars ?? [])) }
    }

    func run() -> [(String, [S])] {
        var w = self
        w.elementwise()
        w.reductions()
        w.layers()
        w.optimisers()
        return w.results
    }

    mutating func elementwise() {
        // Every unary op, so a new one is compared on every instruction set without a line here.
        let unary: [(String, (Tensor<S>) -> Tensor<S>)] = UnaryOp.allCases.map { op in (op.description, { $0.unary(op) }) }
        let binary: [(String, (Tensor<S>, Tensor<S>) -> Tensor<S>)] = [
            ("add", { $0 + $1 }), ("sub", { $0 - $1 }), ("mul", { $0 * $1 }), ("div", { $0 / $1 }),
            ("maximum", { $0.maximum($1) }), ("minimum", { $0.minimum($1) }), ("pow", { $0.abs().pow($1) }),
        ]
        for n in sizes {
            let x = Self.tensor([n], seed: UInt64(n)), y = Self.tensor([n], seed: UInt64(n) + 1)
            for (name, f) in unary { record("\(name) n=\(n)", [x]) { f(x) } }
            for (name, f) in binary {
                record("\(name) n=\(n)", [x, y]) { f(x, y) }
                let s = Tensor<S>(shape: [], scalars: [S(1.5)], requiresGrad: true)
                record("\(name) tensor-scalar n=\(n)", [x, s]) { f(x, s) }
                record("\(name) scalar-tensor n=\(n)", [s, x]) { f(s, x) }
            }
            record("where n=\(n)", [x, y]) { Tensor.where(x.greaterEqual(y), x, y) }
            record("clamp n=\(n)", [x]) { x.clamp(min: -1, max: 2) }
        }
        // Broadcasts along rows, columns and both; permuted (strided) copies.
        let m = Self.tensor([5, 37], seed: 7), row = Self.tensor([1, 37], seed: 8), column = Self.tensor([5, 1], seed: 9)
        for (name, f) in binary {
            record("\(name) [5,37] with [1,37]", [m, row]) { f(m, row) }
            record("\(name) [5,1] with [1,37]", [column, row]) { f(column, row) }
            record("\(name) [5,37] with [5,1]", [column, m]) { f(column, m) }
        }
        let cube = Self.tensor([3, 5, 19], seed: 10)
        record("permute [3,5,19] -> [2,0,1]", [cube]) { cube.permuted([2, 0, 1]) * cube.permuted([2, 0, 1]) }
        record("expand [5,1] -> [5,37]", [column]) { column.expanded(to: [5, 37]) }
    }

    mutating func reductions() {
        let x = Self.tensor([3, 11, 13], seed: 20), wide = Self.tensor([2, 300, 3], seed: 21, specials: false)
        let finite = Self.tensor([3, 11, 13], seed: 22, specials: false)
        for axis in 0..<3 {
            record("sum axis \(axis)", [x]) { x.sum(axis: axis) }
            record("max axis \(axis)", [x]) { x.max(axis: axis) }
            results.append(("argmax axis \(axis)", x.argmax(axis: axis).map { S($0) }))
            record("softmax axis \(axis)", [x]) { x.softmax(axis: axis) }
            record("softmax finite axis \(axis)", [finite]) { finite.softmax(axis: axis) }
            record("logSoftmax axis \(axis)", [finite]) { finite.logSoftmax(axis: axis) }
            record("logsumexp axis \(axis)", [x]) { x.logsumexp(axis: axis) }
            record("logsumexp finite axis \(axis)", [finite]) { finite.logsumexp(axis: axis) }
        }
        record("sum over 300 (inner blocks)", [wide]) { wide.sum(axis: 1) }
        record("sum all", [wide]) { wide.sum() }
    }

    mutating func layers() {
        let x = Self.tensor([3, 5, 7, 3], seed: 30, specials: false)
        let gamma = Self.tensor([5], seed: 31, specials: false), beta = Self.tensor([5], seed: 32, specials: false)
        for training in [true, false] {
            let mean = Tensor<S>(zeros: [5]), variance = Tensor<S>(ones: [5])
            record("batchNorm training=\(training)", [x, gamma, beta]) {
                x.batchNorm(weight: gamma, bias: beta, runningMean: mean, runningVariance: variance, training: training)
            }
            results.append(("batchNorm running mean training=\(training)", mean.scalars))
        }
        let big = Self.tensor([2, 3, 40, 37], seed: 33, specials: false)
        record("batchNorm no affine [2,3,40,37]", [big]) {
            big.batchNorm(weight: nil, bias: nil, runningMean: nil, runningVariance: nil, training: true)
        }
        // Fused batch norm + residual + ReLU: inner sizes with a 16-lane tail, above the grain, and
        // NaN / infinities in the residual (the input's would make whole channels NaN).
        for (shape, seed) in [([3, 5, 7, 3], UInt64(60)), ([2, 3, 40, 37], UInt64(61))] {
            let input = Self.tensor(shape, seed: seed, specials: false), residual = Self.tensor(shape, seed: seed + 10)
            let g = Self.tensor([shape[1]], seed: seed + 20, specials: false), b = Self.tensor([shape[1]], seed: seed + 30, specials: false)
            for training in [true, false] {
                let mean = Tensor<S>(zeros: [shape[1]]), variance = Tensor<S>(ones: [shape[1]])
                record("batchNormReLU \(shape) training=\(training)", [input, g, b]) {
                    input.batchNormReLU(weight: g, bias: b, runningMean: mean, runningVariance: variance, training: training)
                }
                record("batchNormReLU + residual \(shape) training=\(training)", [input, g, b, residual]) {
                    input.batchNormReLU(weight: g, bias: b, runningMean: mean, runningVariance: variance, training: training, adding: residual)
                }
            }
        }
        let planes = Self.tensor([2, 3, 9, 11], seed: 34)
        record("maxPool2d 3 s2 p1", [planes]) { planes.maxPool2d(kernelSize: 3, stride: 2, padding: 1) }
        record("maxPool2d 2", [planes]) { planes.maxPool2d(kernelSize: 2) }
        record("avgPool2d 3 s2 p1", [planes]) { planes.avgPool2d(kernelSize: 3, stride: 2, padding: 1) }
        record("globalAveragePool2d", [planes]) { planes.globalAveragePool2d() }
        let image = Self.tensor([3, 4, 9, 11], seed: 35, specials: false)
        let weight = Self.tensor([6, 2, 3, 3], seed: 36, specials: false), bias = Self.tensor([6], seed: 37, specials: false)
        record("conv2d 3x3 s2 p1 groups 2", [image, weight, bias]) {
            image.conv2d(weight: weight, bias: bias, stride: 2, padding: 1, groups: 2)
        }
        let pointwise = Self.tensor([5, 4, 1, 1], seed: 38, specials: false)
        record("conv2d 1x1", [image, pointwise]) { image.conv2d(weight: pointwise) }
        record("conv2d 3x3 dilation 2", [image, weight]) { image.conv2d(weight: weight, padding: 2, dilation: 2, groups: 2) }
        // Winograd convolutions (no gradient): NaN and infinities in the input, NCHW and blocks,
        // more tiles than channels and fewer.
        for (shape, o) in [([2, 16, 7, 9], 16), ([1, 16, 3, 3], 8)] {
            let x = Self.tensor(shape, seed: 39), w = Self.tensor([o, 16, 3, 3], seed: 40, specials: false)
            let b = Self.tensor([o], seed: 41, specials: false), r = Self.tensor([shape[0], o, shape[2], shape[3]], seed: 42)
            for block in [1, 8] {
                results.append(("winograd3x3 \(shape) -> \(o) block \(block)",
                                WinogradTests.winograd(x, w, b, residual: r, relu: true, block: block)))
            }
        }
    }

    mutating func optimisers() {
        for n in [7, 1003, 40_001] {
            let p = Self.tensor([n], seed: UInt64(40 + n), specials: false), q = p.copy(), r = p.copy(), t = p.copy()
            for x in [p, q, r, t] { x.requiresGrad = true }
            let sgd = try! SGD(parameters: [p], learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)
            let adam = try! Adam(parameters: [q], learningRate: 0.01, weightDecay: 0.01)
            let adamW = try! AdamW(parameters: [r], learningRate: 0.01)
            let plain = try! SGD(parameters: [t], learningRate: 0.1)
            for step in 0..<3 {
                for x in [p, q, r, t] {
                    x.grad = Tensor(shape: [n], scalars: Self.input(n, seed: UInt64(step * 7 + n), specials: false))
                }
                results.append(("clip norm n=\(n) step \(step)", [S(clipGradientNorm([p, q], maxNorm: 1))]))
                sgd.step(); adam.step(); adamW.step(); plain.step()
            }
            for (name, x) in [("sgd", p), ("adam", q), ("adamW", r), ("plain sgd", t)] { results.append(("\(name) n=\(n)", x.scalars)) }
        }
    }
}
