/// A small, fast, seedable generator (SplitMix64 seeding a xoshiro256**), so that the same seed
/// gives the same shuffles, dropout masks and initial weights, bit for bit, on one machine.
public final class SeededGenerator: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var z = seed
        func splitMix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var r = z
            r = (r ^ (r >> 30)) &* 0xBF58_476D_1CE4_E5B9
            r = (r ^ (r >> 27)) &* 0x94D0_49BB_1331_11EB
            return r ^ (r >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// Resumes a generator from `state` (four words, as `state` returns), so that a saved model
    /// goes on drawing the same shuffles and masks it would have drawn.
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        s0 = state[0]
        s1 = state[1]
        s2 = state[2]
        s3 = state[3]
    }

    /// The generator's internal state, for saving.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    public func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    public func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// Standard normal by Box-Muller.
    public func nextNormal() -> Float {
        var u1 = nextUniform()
        if u1 < 1e-7 { u1 = 1e-7 }
        let u2 = nextUniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Float.pi * u2)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
