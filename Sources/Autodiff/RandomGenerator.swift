/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64). Every random
/// choice in the library takes one of these explicitly, so a run is reproduced by its seed.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64
    /// A second normal deviate left over from the last Box–Muller pair.
    private var spareNormal: Double?

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            return RandomGenerator.mix(x)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// SplitMix64's finaliser: a bijection that scrambles every input bit into every output bit.
    /// Also the building block for deriving independent seeds from coordinates.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// An independent stream derived from this one (e.g. one per worker or per epoch).
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal deviate (Box–Muller).
    public mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        var u = uniform()
        while u <= 0 { u = uniform() }
        let v = uniform()
        let radius = (-2 * LibM.log(u)).squareRoot()
        spareNormal = radius * LibM.sin(2 * .pi * v)
        return radius * LibM.cos(2 * .pi * v)
    }

    /// A uniformly random integer in 0..<bound.
    public mutating func int(below bound: Int) -> Int { Int.random(in: 0..<bound, using: &self) }

    /// A seeded Fisher–Yates shuffle.
    public mutating func shuffle<T>(_ array: inout [T]) { array.shuffle(using: &self) }
}

extension Tensor {
    /// Independent N(mean, std²) entries.
    public convenience init(randomNormal shape: [Int], mean: Scalar = 0, std: Scalar = 1,
                            generator: inout RandomGenerator, requiresGrad: Bool = false) {
        self.init(uninitializedShape: shape)
        let m = Double(mean), s = Double(std)
        for i in 0..<count { data[i] = Scalar(m + s * generator.normal()) }
        self.requiresGrad = requiresGrad
    }

    /// Independent U[low, high) entries.
    public convenience init(randomUniform shape: [Int], low: Scalar = 0, high: Scalar = 1,
                            generator: inout RandomGenerator, requiresGrad: Bool = false) {
        self.init(uninitializedShape: shape)
        let lo = Double(low), width = Double(high) - Double(low)
        for i in 0..<count { data[i] = Scalar(lo + width * generator.uniform()) }
        self.requiresGrad = requiresGrad
    }

    /// Independent Bernoulli(p) entries: 1 with probability p, else 0.
    public convenience init(randomBernoulli shape: [Int], probability p: Double,
                            generator: inout RandomGenerator) {
        self.init(uninitializedShape: shape)
        for i in 0..<count { data[i] = generator.uniform() < p ? 1 : 0 }
    }
}
