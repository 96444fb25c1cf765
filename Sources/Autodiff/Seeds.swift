/// Derives independent seeds from a run seed and coordinates (epoch, sample position, …), so
/// that a random choice depends only on where it is made, never on thread timing or on how
/// many draws happened before it. The package's one seed derivation: FERData's loader, sampler
/// and generator, Inference's prediction and audit use it.
public enum Seeds {
    public static func derive(_ seed: UInt64, _ parts: UInt64...) -> UInt64 {
        let mix = RandomGenerator.mix
        var h = mix(seed ^ 0x5851_F42D_4C95_7F2D)
        for part in parts { h = mix(h ^ mix(part &+ 0x9E37_79B9_7F4A_7C15)) }
        return h
    }
}
