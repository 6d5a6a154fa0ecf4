/// How fresh weights are drawn (the schemes are Terms' `Initializer`). Keras's default
/// (Glorot-uniform weights, zero biases) is the project default, because the seed tutorials were
/// written in Keras and several of their models do not learn under PyTorch's default (see
/// docs/engine.md).
import Support

/// Drawing fresh parameters for a layer with `fanIn` inputs and `fanOut` outputs per unit
/// (for a convolution: kernel area times input channels, and times filters).
extension Initializer {
    /// `count` weights for a layer of the given fans.
    public func weights(count: Int, fanIn: Int, fanOut: Int, rng: SeededGenerator) -> [Float] {
        switch self {
        case .glorotUniform:
            let limit = (6 / Float(fanIn + fanOut)).squareRoot()
            return (0..<count).map { _ in (rng.nextUniform() * 2 - 1) * limit }
        case .kaimingNormal:
            let deviation = (2 / Float(fanIn)).squareRoot()
            return (0..<count).map { _ in rng.nextNormal() * deviation }
        case .pytorchDefault:
            let limit = 1 / Float(fanIn).squareRoot()
            return (0..<count).map { _ in (rng.nextUniform() * 2 - 1) * limit }
        }
    }

    /// `count` biases: zero, except under PyTorch's default, U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    public func biases(count: Int, fanIn: Int, rng: SeededGenerator) -> [Float] {
        switch self {
        case .glorotUniform, .kaimingNormal:
            return [Float](repeating: 0, count: count)
        case .pytorchDefault:
            let limit = 1 / Float(fanIn).squareRoot()
            return (0..<count).map { _ in (rng.nextUniform() * 2 - 1) * limit }
        }
    }
}
