/// Derives independent seeds from a run seed and coordinates (epoch, sample position, …), so
/// that a random choice depends only on where it is made, never on thread timing or on how
/// many draws happened before it.
public enum Seeds {
    public static func derive(_ seed: UInt64, _ parts: UInt64...) -> UInt64 {
        var h = mix(seed ^ 0x5851_F42D_4C95_7F2D)
        for part in parts { h = mix(h ^ mix(part &+ 0x9E37_79B9_7F4A_7C15)) }
        return h
    }

    /// SplitMix64's finaliser: a bijection that scrambles every input bit into every output bit.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
