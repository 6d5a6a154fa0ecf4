/// SplitMix64 (Steele, Lea and Flood 2014): one 64-bit word of state, a few multiplies a draw.
/// It seeds `SeededGenerator`, and draws on its own where a short stream is enough (a t-SNE
/// layout's random start, the parser's fuzz test), so that a seed repeats its results exactly.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal by Box-Muller, in double precision.
    public mutating func nextGaussian() -> Double {
        let u = max(nextUniform(), 1e-300)
        let v = nextUniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// A small, fast, seedable generator (SplitMix64 seeding a xoshiro256**), so that the same seed
/// gives the same shuffles, dropout masks and initial weights, bit for bit, on one machine.
public final class SeededGenerator: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var seeding = SplitMix64(seed: seed)
        s0 = seeding.next()
        s1 = seeding.next()
        s2 = seeding.next()
        s3 = seeding.next()
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
