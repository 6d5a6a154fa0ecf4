/// Random numbers as a function of (key, index) rather than a sequence: one generator draw
/// gives the key, and a loop over indices then has no dependence between iterations, so it
/// vectorises. Used for dropout masks and input noise.
enum CounterHash {
    /// A murmur3-style finaliser of the index mixed with the key.
    @inline(__always)
    static func bits(_ index: Int, key: UInt32) -> UInt32 {
        var h = UInt32(truncatingIfNeeded: index) &* 0x9E37_79B9 ^ key
        h ^= h >> 16
        h = h &* 0x85EB_CA6B
        h ^= h >> 13
        h = h &* 0xC2B2_AE35
        h ^= h >> 16
        return h
    }

    /// Uniform in [0, 1) with 24 bits.
    @inline(__always)
    static func uniform(_ index: Int, key: UInt32) -> Float {
        Float(bits(index, key: key) >> 8) * (1.0 / 16_777_216)
    }

    /// values[i] = clamp(values[i] + sigma · N(0, 1), 0, 1), the normal by Box-Muller from
    /// two hashed uniforms per element.
    static func addClippedGaussian(_ values: UnsafeMutablePointer<Float>, _ count: Int, key: UInt32, sigma: Float) {
        let otherKey = key ^ 0x5BD1_E995
        for i in 0..<count {
            // u1 in (0, 1]: never log(0).
            let u1 = 1 - uniform(i, key: key)
            let u2 = uniform(i, key: otherKey)
            let radius = (-2 * FastMath.log(u1)).squareRoot()
            let normal = radius * FastMath.sinTurn(u2)
            values[i] = min(max(values[i] + sigma * normal, 0), 1)
        }
    }

    /// values[i] = 0 with probability `fraction`.
    static func mask(_ values: UnsafeMutablePointer<Float>, _ count: Int, key: UInt32, fraction: Float) {
        for i in 0..<count {
            values[i] = uniform(i, key: key) < fraction ? 0 : values[i]
        }
    }
}
