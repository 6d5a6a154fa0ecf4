/// Inverted dropout: while training, each value is zeroed with probability `rate` and the
/// survivors are scaled by 1 / (1 - rate), so evaluation needs no rescaling and is the identity.
public final class Dropout: Layer {
    public let rate: Float
    private var mask = Tensor(zeros: [0])
    private var active = false

    public init(rate: Float) { self.rate = rate }

    public var description: String { "dropout \(rate)" }
    public var parameters: [Parameter] { [] }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard rate >= 0, rate < 1 else { throw ShapeError("a dropout rate must be in [0, 1), not \(rate)") }
        return input
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        _ = try outputShape(for: inputShape)
    }

    // forward: x (B, ...) -> y (B, ...); training: y = x ⊙ m, m = (u >= rate) / (1 - rate); else y = x
    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        active = context.training && rate > 0
        guard active else { return x }
        let scale = 1 / (1 - rate)
        let rng = context.rng
        mask = Tensor(shape: x.shape) { m in
            for i in 0..<m.count { m[i] = rng.nextUniform() >= rate ? scale : 0 }
        }
        var y = x
        y.data.withUnsafeMutableBufferPointer { yp in
            mask.data.withUnsafeBufferPointer { mp in
                for i in 0..<yp.count { yp[i] *= mp[i] }
            }
        }
        return y
    }

    // backward: dy (B, ...) -> dx (B, ...), dx = dy ⊙ m (the same mask)
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard active else { return dy }
        guard dy.shape == mask.shape else {
            throw ShapeError(
                "dropout saw \(Tensor.describe(mask.shape)) but its gradient is \(Tensor.describe(dy.shape))")
        }
        var dx = dy
        dx.data.withUnsafeMutableBufferPointer { g in
            mask.data.withUnsafeBufferPointer { mp in
                for i in 0..<g.count { g[i] *= mp[i] }
            }
        }
        return dx
    }
}
