import Support

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a sparse autoencoder penalises its latent activations.
public enum Sparsity: Codable, Equatable, Sendable {
    case none
    /// weight · Σ|a| per sample, averaged over the batch (Keras's activity_regularizer l1).
    case l1(weight: Float)
    /// weight · Σ_j KL(ρ ‖ ρ̂_j), ρ̂_j the batch mean of unit j's activation; meant for
    /// activations in (0, 1) such as sigmoid's (ρ̂ is clamped to [1e-6, 1 - 1e-6]).
    case kl(rho: Float, weight: Float)
}

/// The identity on the latent's activations that adds a sparsity penalty to the loss and its
/// gradient to the gradient passing down.
public final class SparsityPenalty: Layer, AuxiliaryLossLayer {
    public let sparsity: Sparsity
    public private(set) var auxiliaryLoss: Float = 0
    private var activations = Tensor(zeros: [0])

    public init(_ sparsity: Sparsity) { self.sparsity = sparsity }

    public var description: String {
        switch sparsity {
        case .none: return "no sparsity"
        case .l1(let weight): return "sparse l1 \(weight)"
        case .kl(let rho, let weight): return "sparse kl \(rho) weight \(weight)"
        }
    }
    public var parameters: [Parameter] { [] }

    public func outputShape(for input: [Int]) throws -> [Int] {
        if case .kl(let rho, _) = sparsity, !(rho > 0 && rho < 1) {
            throw ShapeError("a sparsity target rate must be between 0 and 1, not \(rho)")
        }
        return input
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        _ = try outputShape(for: inputShape)
    }

    // forward: a (B, units) -> a (B, units), identity; penalty computed for the batch:
    //   l1: w / B · Σ|a|;   kl: w · Σ_j [ρ log(ρ/ρ̂_j) + (1-ρ) log((1-ρ)/(1-ρ̂_j))], ρ̂_j = mean_b a_bj
    public func forward(_ a: Tensor, context: ForwardContext) throws -> Tensor {
        activations = a
        let batch = Float(max(a.batch, 1))
        switch sparsity {
        case .none:
            auxiliaryLoss = 0
        case .l1(let weight):
            auxiliaryLoss = weight * a.data.reduce(0) { $0 + abs($1) } / batch
        case .kl(let rho, let weight):
            auxiliaryLoss =
                weight
                * meanRates(a).reduce(0) { sum, rate in
                    sum + rho * log(rho / rate) + (1 - rho) * log((1 - rho) / (1 - rate))
                }
        }
        return a
    }

    // backward: dy (B, units) -> dx (B, units)
    //   l1: dx = dy + w / B · sign(a);   kl: dx = dy + w / B · (-ρ/ρ̂_j + (1-ρ)/(1-ρ̂_j))
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard dy.shape == activations.shape else {
            throw ShapeError(
                "\(description) saw \(Tensor.describe(activations.shape)) but its gradient is \(Tensor.describe(dy.shape))"
            )
        }
        let batch = Float(max(dy.batch, 1))
        var dx = dy
        switch sparsity {
        case .none:
            break
        case .l1(let weight):
            for i in 0..<dx.count {
                let a = activations.data[i]
                dx.data[i] += a > 0 ? weight / batch : (a < 0 ? -weight / batch : 0)
            }
        case .kl(let rho, let weight):
            let rates = meanRates(activations)
            let width = rates.count
            let perUnit = rates.map { rate in weight / batch * (-rho / rate + (1 - rho) / (1 - rate)) }
            for i in 0..<dx.count { dx.data[i] += perUnit[i % width] }
        }
        return dx
    }

    /// ρ̂_j: each unit's activation averaged over the batch, kept inside (0, 1).
    private func meanRates(_ a: Tensor) -> [Float] {
        let width = a.sampleSize
        var sums = [Float](repeating: 0, count: width)
        for i in 0..<a.count { sums[i % width] += a.data[i] }
        return sums.map { min(max($0 / Float(max(a.batch, 1)), 1e-6), 1 - 1e-6) }
    }
}
