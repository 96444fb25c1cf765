import Autodiff
import Testing

/// The fused batchNormReLU must be exactly batchNorm, then + residual, then relu: the same bits
/// forward, for every gradient and for the running statistics, NaN included.
@Suite struct BatchNormReLUTests {
    /// Runs one of the two forms on copies of the same inputs and returns the output, every
    /// gradient and the running statistics.
    static func run<S: TensorScalar>(_: S.Type, fused: Bool, shape: [Int], residual: Bool, training: Bool, affine: Bool,
                                     nanAt: Int? = nil) -> [[S]] {
        var rng = RandomGenerator(seed: 91)
        let c = shape[1]
        let xValues = Tensor<S>(randomNormal: shape, mean: 0.3, std: 1.5, generator: &rng)
        if let nanAt { xValues.data[nanAt] = .nan }
        let x = Tensor<S>(shape: shape, scalars: xValues.scalars, requiresGrad: true)
        let w = Tensor<S>(randomNormal: [c], generator: &rng), b = Tensor<S>(randomNormal: [c], generator: &rng)
        for t in [w, b] { t.requiresGrad = true }
        let r = Tensor<S>(randomNormal: shape, generator: &rng)
        r.requiresGrad = true
        let runningMean = Tensor<S>(randomNormal: [c], generator: &rng)
        let runningVariance = Tensor<S>(randomUniform: [c], low: 0.5, high: 2, generator: &rng)
        let seed = Tensor<S>(randomNormal: shape, generator: &rng)
        let (weight, bias) = affine ? (w, b) : (nil, nil)
        let y: Tensor<S>
        if fused {
            y = x.batchNormReLU(weight: weight, bias: bias, runningMean: runningMean, runningVariance: runningVariance,
                                training: training, momentum: 0.2, adding: residual ? r : nil)
        } else {
            let normalised = x.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVariance: runningVariance,
                                         training: training, momentum: 0.2)
            y = (residual ? normalised + r : normalised).relu()
        }
        y.backward(seed: seed)
        var out = [y.scalars, x.grad?.scalars ?? [], runningMean.scalars, runningVariance.scalars]
        if affine { out += [w.grad?.scalars ?? [], b.grad?.scalars ?? []] }
        if residual { out.append(r.grad?.scalars ?? []) }
        return out
    }

    static func expectSameBits<S: TensorScalar>(_ a: [[S]], _ b: [[S]], _ label: String) {
        #expect(a.count == b.count, "\(label)")
        for (k, (u, v)) in zip(a, b).enumerated() {
            #expect(u.count == v.count, "\(label) result \(k)")
            let first = u.indices.first { i in i < v.count && (u[i].isNaN != v[i].isNaN || (!u[i].isNaN && !Self.sameBits(u[i], v[i]))) }
            #expect(first == nil, "\(label) result \(k): element \(first ?? -1) fused \(first.map { "\(u[$0])" } ?? "") unfused \(first.map { "\(v[$0])" } ?? "")")
        }
    }

    static func sameBits<S: TensorScalar>(_ p: S, _ q: S) -> Bool {
        p.sign == q.sign && p.exponentBitPattern == q.exponentBitPattern && p.significandBitPattern == q.significandBitPattern
    }

    static let situations: [(shape: [Int], residual: Bool, training: Bool, affine: Bool)] = [
        ([4, 3, 5, 7], false, true, true),   // inner 35: two 16-lane blocks and a tail
        ([4, 3, 5, 7], true, true, true),
        ([2, 5, 3, 3], true, false, true),   // evaluation: running statistics
        ([6, 4], false, true, false),        // [N, C], no affine
        ([3, 2, 40, 37], true, true, true),  // above the parallel grain
    ]

    @Test(arguments: 0..<situations.count)
    func fusedEqualsTheUnfusedOpsBitForBit(_ index: Int) {
        let s = Self.situations[index]
        for type in ["Float", "Double"] {
            let label = "\(type) \(s)"
            if type == "Float" {
                Self.expectSameBits(Self.run(Float.self, fused: true, shape: s.shape, residual: s.residual, training: s.training, affine: s.affine),
                                    Self.run(Float.self, fused: false, shape: s.shape, residual: s.residual, training: s.training, affine: s.affine), label)
            } else {
                Self.expectSameBits(Self.run(Double.self, fused: true, shape: s.shape, residual: s.residual, training: s.training, affine: s.affine),
                                    Self.run(Double.self, fused: false, shape: s.shape, residual: s.residual, training: s.training, affine: s.affine), label)
            }
        }
    }

    /// A NaN input makes its channel's statistics NaN; the output keeps it (ReLU does not turn NaN into 0).
    @Test func nanPropagatesAsInTheUnfusedOps() {
        let fused = Self.run(Float.self, fused: true, shape: [2, 3, 4, 4], residual: true, training: true, affine: true, nanAt: 20)
        let unfused = Self.run(Float.self, fused: false, shape: [2, 3, 4, 4], residual: true, training: true, affine: true, nanAt: 20)
        Self.expectSameBits(fused, unfused, "NaN in channel 1")
        // Channel 1 of image 0 is elements 16..<32: every output there is NaN.
        #expect(fused[0][16..<32].allSatisfy { $0.isNaN })
        #expect(!fused[0][0..<16].contains { $0.isNaN })
    }

    @Test func shapeErrorsNameTheFusedOp() {
        #expect(throws: ShapeError("batchNormReLU", "weight must be [3], one value per channel (input [2, 3], weight [4], training true)")) {
            try BatchNormGeometry(input: [2, 3], weight: [4], bias: nil, runningMean: nil, runningVariance: nil, training: true, op: "batchNormReLU")
        }
    }
}
