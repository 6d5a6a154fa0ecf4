import Support

/// Inverted dropout: while training, each value is zeroed with probability `rate` and the
/// survivors are scaled by 1 / (1 - rate), so evaluation needs no rescaling and is the identity.
public final class Dropout: Layer {
    public let rate: Float
    /// The mask of the last training forward pass, as a key: element i survives when
    /// hash(key, i) clears the threshold. Recomputing it in backward saves storing a mask, and a
    /// counter-based hash (rather than one generator draw per element) lets the loop vectorise.
    private var maskKey: UInt32 = 0
    private var shape: [Int] = []
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

    // forward: x (B, ...) -> y (B, ...); training: y = x ⊙ m, m_i = [hash(key, i) ≥ rate] / (1 - rate); else y = x
    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        active = context.training && rate > 0
        guard active else { return x }
        maskKey = UInt32(truncatingIfNeeded: context.rng.next())
        shape = x.shape
        return applyMask(x)
    }

    // backward: dy (B, ...) -> dx (B, ...), dx = dy ⊙ m (the same mask)
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard active else { return dy }
        guard dy.shape == shape else {
            throw ShapeError(
                "dropout saw \(Tensor.describe(shape)) but its gradient is \(Tensor.describe(dy.shape))")
        }
        return applyMask(dy)
    }

    private func applyMask(_ x: Tensor) -> Tensor {
        // Survive when the hash's top 24 bits, as a fraction of 2^24, reach the rate.
        let threshold = UInt32((rate * Float(1 << 24)).rounded())
        let scale = 1 / (1 - rate)
        return Tensor(shape: x.shape) { out in
            x.data.withUnsafeBufferPointer { source in
                let (s, r, key) = (source.baseAddress!, out.baseAddress!, maskKey)
                ComputeTeam.engine.forEachRange(out.count, minimum: Activation.elementsPerBand) { band in
                    Dropout.mask(s, r, band, key: key, threshold: threshold, scale: scale)
                }
            }
        }
    }

    /// result[i] = values[i] · (scale or 0), by the hash of (key, i), for i in `band`.
    private static func mask(
        _ values: UnsafePointer<Float>, _ result: UnsafeMutablePointer<Float>, _ band: Range<Int>, key: UInt32,
        threshold: UInt32, scale: Float
    ) {
        for i in band {
            result[i] = values[i] * ((CounterHash.bits(i, key: key) >> 8) >= threshold ? scale : 0)
        }
    }
}

/// `dropout 0.2` on a line of its own.
public struct DropoutLine: LayerDeclaration {
    public static let keyword = "dropout"
    public static let grammar: LayerGrammar? = LayerGrammar(
        keyword, arguments: [LayerArgument("rate", .number("dropout", .fraction))])

    public var rate: Float

    public init(rate: Float) { self.rate = rate }

    public init(line: LayerLine) throws {
        guard let rate = try line.number("rate") else { throw LayerLineError(slot: "rate", "dropout needs a rate") }
        self.init(rate: Float(rate))
    }

    public var text: String { "dropout \(rate)" }
    public func makeLayers() -> [Layer] { [Dropout(rate: rate)] }
    public func parameterCount(input: [Int]) -> Int? { 0 }
}

extension LayerSpec {
    public static func dropout(rate: Float) -> LayerSpec { LayerSpec(DropoutLine(rate: rate)) }
}
