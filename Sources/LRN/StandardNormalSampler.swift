import Autodiff

/// Fills tensors with independent N(0, 1) draws quickly: HUM needs M·S·C of them per step
/// (448,000 at M = 64, S = 1000, C = 7), and Box–Muller (`RandomGenerator.normal()`, one log and
/// one sine/cosine per pair) would take more time than the whole rest of the head.
///
/// Marsaglia and Tsang's ziggurat (J. Stat. Softw. 5(8), 2000) with 128 layers: about 98.8 % of
/// draws cost one 32-bit random integer, one table look-up, one comparison and one multiply;
/// the rest fall back to the exact rejection step, so the distribution is exactly normal (up to
/// the 32-bit resolution of the layers). Two draws come from every 64-bit output of the seeded
/// `RandomGenerator`, so a fill is reproduced by its seed.
public enum StandardNormalSampler {
    /// Layer tables, allocated once for the life of the process: `k` (acceptance thresholds on
    /// |j|), `w` (scale from the integer j to x), `f` (density at the layer edges).
    private struct Tables: @unchecked Sendable {
        let k: UnsafeMutablePointer<UInt32>
        let w: UnsafeMutablePointer<Double>
        let f: UnsafeMutablePointer<Double>
    }

    /// The right edge of the base layer and the common area of every layer (for 128 layers).
    private static let tailStart = 3.442619855899
    private static let layerArea = 9.91256303526217e-3

    private static let tables: Tables = {
        let t = Tables(k: .allocate(capacity: 128), w: .allocate(capacity: 128), f: .allocate(capacity: 128))
        let m = 2147483648.0  // 2^31: magnitudes of signed 32-bit integers
        var dn = tailStart, tn = tailStart
        let q = layerArea / LibM.exp(-0.5 * dn * dn)
        t.k[0] = UInt32((dn / q) * m)
        t.k[1] = 0
        t.w[0] = q / m
        t.w[127] = dn / m
        t.f[0] = 1
        t.f[127] = LibM.exp(-0.5 * dn * dn)
        for i in stride(from: 126, through: 1, by: -1) {
            dn = (-2 * LibM.log(layerArea / dn + LibM.exp(-0.5 * dn * dn))).squareRoot()
            t.k[i + 1] = UInt32((dn / tn) * m)
            tn = dn
            t.f[i] = LibM.exp(-0.5 * dn * dn)
            t.w[i] = dn / m
        }
        return t
    }()

    /// Overwrites every element of `tensor` with an independent standard normal draw.
    public static func fill<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>, using generator: inout RandomGenerator) {
        // Concrete element types: generic code called from another module runs unspecialised.
        if Scalar.self == Float.self {
            fill(UnsafeMutableRawPointer(tensor.data).assumingMemoryBound(to: Float.self), count: tensor.count, &generator)
        } else {
            fill(UnsafeMutableRawPointer(tensor.data).assumingMemoryBound(to: Double.self), count: tensor.count, &generator)
        }
    }

    /// A new tensor of standard normal draws.
    public static func sample<Scalar: TensorScalar>(_ shape: [Int], using generator: inout RandomGenerator) -> Tensor<Scalar> {
        let tensor = Tensor<Scalar>(uninitializedShape: shape)
        fill(tensor, using: &generator)
        return tensor
    }

    private static func fill(_ out: UnsafeMutablePointer<Float>, count n: Int, _ generator: inout RandomGenerator) {
        let t = tables
        var i = 0
        while i + 1 < n {
            let bits = generator.next()
            out[i] = Float(draw(Int32(truncatingIfNeeded: bits), t, &generator))
            out[i + 1] = Float(draw(Int32(truncatingIfNeeded: bits >> 32), t, &generator))
            i += 2
        }
        if i < n { out[i] = Float(draw(Int32(truncatingIfNeeded: generator.next()), t, &generator)) }
    }

    private static func fill(_ out: UnsafeMutablePointer<Double>, count n: Int, _ generator: inout RandomGenerator) {
        let t = tables
        var i = 0
        while i + 1 < n {
            let bits = generator.next()
            out[i] = draw(Int32(truncatingIfNeeded: bits), t, &generator)
            out[i + 1] = draw(Int32(truncatingIfNeeded: bits >> 32), t, &generator)
            i += 2
        }
        if i < n { out[i] = draw(Int32(truncatingIfNeeded: generator.next()), t, &generator) }
    }

    @inline(__always)
    private static func draw(_ hz: Int32, _ t: Tables, _ generator: inout RandomGenerator) -> Double {
        let layer = Int(hz & 127)
        if hz.magnitude < t.k[layer] { return Double(hz) * t.w[layer] }
        return slowPath(hz, layer, t, &generator)
    }

    /// The rare case: the point lies in the wedge of a layer or in the tail beyond `tailStart`.
    @inline(never)
    private static func slowPath(_ first: Int32, _ firstLayer: Int, _ t: Tables, _ generator: inout RandomGenerator) -> Double {
        var hz = first, layer = firstLayer
        while true {
            let x = Double(hz) * t.w[layer]
            if layer == 0 {
                // Tail: Marsaglia's exact method for |x| > tailStart.
                var tx = 0.0, ty = 0.0
                repeat {
                    tx = -LibM.log(positiveUniform(&generator)) / tailStart
                    ty = -LibM.log(positiveUniform(&generator))
                } while ty + ty < tx * tx
                return hz > 0 ? tailStart + tx : -tailStart - tx
            }
            // Wedge: accept when a uniform point under the layer lies under the density.
            if t.f[layer] + generator.uniform() * (t.f[layer - 1] - t.f[layer]) < LibM.exp(-0.5 * x * x) { return x }
            hz = Int32(truncatingIfNeeded: generator.next())
            layer = Int(hz & 127)
            if hz.magnitude < t.k[layer] { return Double(hz) * t.w[layer] }
        }
    }

    @inline(__always) private static func positiveUniform(_ generator: inout RandomGenerator) -> Double {
        var u = generator.uniform()
        while u == 0 { u = generator.uniform() }
        return u
    }
}
