/// Branch-free exp and log for the element-wise loops (sigmoid, tanh, elu, softplus, bce):
/// libm's calls stop the loops from vectorising, and on a 784-wide sigmoid output they cost
/// more than the matrix products. Relative error below 3e-7 over the float range used here.
enum FastMath {
    /// e^x, clamped to the float range (inputs below -87 give about 1e-38, never denormals).
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87.0), 88.0)
        // Round x / ln 2 to the nearest integer with the 1.5 * 2^23 trick (pure arithmetic, so it vectorises).
        let magic: Float = 12_582_912
        let scaled = clamped * 1.442_695_04 + magic
        let n = scaled - magic
        // r = x - n ln 2, with ln 2 split in two for precision.
        let r = clamped - n * 0.693_145_75 - n * 1.428_606_8e-6
        // Degree-6 Taylor polynomial of e^r on [-ln2/2, ln2/2].
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // n also sits in the low mantissa bits of `scaled`; reading it there (rather than
        // converting n, which traps on NaN) keeps the loop branch-free and NaN-safe.
        let exponentBits = (scaled.bitPattern &- magic.bitPattern &+ 127) << 23
        return p * Float(bitPattern: exponentBits)
    }

    /// Natural log for positive, normal x.
    @inline(__always)
    static func log(_ x: Float) -> Float {
        let bits = x.bitPattern
        // x = m * 2^e with m in [1, 2); fold m above sqrt(2) down to [sqrt(2)/2, sqrt(2)).
        var e = Float(Int32(bitPattern: (bits >> 23) & 0xFF) &- 127)
        var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)
        let fold = m > 1.414_213_56
        m = fold ? m * 0.5 : m
        e = fold ? e + 1 : e
        // log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172.
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var q: Float = 1.0 / 11
        q = q * s2 + 1.0 / 9
        q = q * s2 + 1.0 / 7
        q = q * s2 + 1.0 / 5
        q = q * s2 + 1.0 / 3
        q = q * s2 + 1
        return 2 * s * q + e * 0.693_147_18
    }

    /// log(1 + e^(-|z|)), the stable tail of softplus and of binary cross-entropy on logits.
    @inline(__always)
    static func log1pExpNegAbs(_ z: Float) -> Float {
        log(1 + exp(-Swift.abs(z)))
    }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        1 / (1 + exp(-x))
    }

    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        // 1 - 2 / (e^{2x} + 1) loses relative precision near 0, where a short series takes over.
        let far = 1 - 2 / (exp(2 * x) + 1)
        let x2 = x * x
        let near = x * (1 + x2 * (-1.0 / 3 + x2 * (2.0 / 15 - x2 * (17.0 / 315))))
        return Swift.abs(x) < 0.125 ? near : far
    }

    /// sin(2π t) for t in [0, 1): folded onto [-π/2, π/2] and a degree-11 Taylor polynomial
    /// there (error below 1e-7).
    @inline(__always)
    static func sinTurn(_ t: Float) -> Float {
        // x = 2π t - π in [-π, π); sin(2π t) = -sin(x).
        let x = t * 6.283_185_3 - 3.141_592_7
        // sin(x) = sin(±π - x) folds |x| > π/2 back into range.
        let folded = x > 1.570_796_3 ? 3.141_592_7 - x : (x < -1.570_796_3 ? -3.141_592_7 - x : x)
        let x2 = folded * folded
        var p: Float = -1.0 / 39_916_800
        p = p * x2 + 1.0 / 362_880
        p = p * x2 - 1.0 / 5040
        p = p * x2 + 1.0 / 120
        p = p * x2 - 1.0 / 6
        p = p * x2 + 1
        return -folded * p
    }
}
