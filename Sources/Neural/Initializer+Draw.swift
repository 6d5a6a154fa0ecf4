extension Initializer {
    /// `count` fresh weights for a layer with the given fans (for a convolution, Keras's fans:
    /// fanIn = k*k*inChannels, fanOut = k*k*outChannels).
    func drawWeights(count: Int, fanIn: Int, fanOut: Int, rng: SeededGenerator) -> [Float] {
        switch self {
        case .glorotUniform:
            let limit = (6 / Float(fanIn + fanOut)).squareRoot()
            return (0..<count).map { _ in (2 * rng.nextUniform() - 1) * limit }
        case .kaimingNormal:
            let deviation = (2 / Float(fanIn)).squareRoot()
            return (0..<count).map { _ in rng.nextNormal() * deviation }
        case .pytorchDefault:
            let bound = 1 / Float(fanIn).squareRoot()
            return (0..<count).map { _ in (2 * rng.nextUniform() - 1) * bound }
        }
    }

    /// `count` fresh biases: zero, except under PyTorch's default, U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    func drawBiases(count: Int, fanIn: Int, rng: SeededGenerator) -> [Float] {
        guard self == .pytorchDefault else { return [Float](repeating: 0, count: count) }
        let bound = 1 / Float(fanIn).squareRoot()
        return (0..<count).map { _ in (2 * rng.nextUniform() - 1) * bound }
    }
}
