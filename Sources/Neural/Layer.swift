import Support

/// A trainable value and the gradient accumulated into it by `backward`.
public final class Parameter {
    public let name: String
    public var value: Tensor
    public var grad: Tensor
    /// When set, the next `backward` writes the gradient instead of adding to it (and clears
    /// the flag). The trainer sets it before each step rather than zeroing every gradient: that
    /// saves a pass over all of them, and the products write without reading the old values.
    public var overwritesGradient = false

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.grad = Tensor(zeros: value.shape)
    }

    /// Whether the gradient about to be computed replaces (true) or adds to (false) `grad`;
    /// asking clears the request to replace.
    func takesOverwrite() -> Bool {
        defer { overwritesGradient = false }
        return overwritesGradient
    }

    /// Zeroes `grad` if a write was requested and nothing has written it yet, so that adding
    /// to it is right either way (for layers whose gradients are small and summed in parts).
    func settleGradient() {
        guard takesOverwrite() else { return }
        grad.data.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}

/// A value a layer keeps and saves but does not train, such as batch normalisation's running
/// statistics: the optimizer never sees it, a snapshot saves it after the parameters, and a
/// restored model gets it back.
public final class Buffer {
    public let name: String
    public var value: Tensor

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
    }
}

/// What a forward pass needs beyond its input: whether it trains (dropout on, VAE sampling on)
/// and the seeded generator that dropout and sampling draw from.
public final class ForwardContext {
    public var training: Bool
    public var rng: SeededGenerator
    /// Whether a Gaussian latent samples outside training too (the VAE's test loss is the
    /// sampled ELBO, as in PyTorch's VAE example; `reconstruct` and `encode` use the mean).
    public var samplesLatent: Bool = false

    public init(training: Bool, rng: SeededGenerator) {
        self.training = training
        self.rng = rng
    }
}

/// One layer: a forward/backward pair. Shapes are per-sample (no batch dimension) in
/// `outputShape` and `build`; tensors passed to `forward`/`backward` carry the batch first.
///
/// Contract:
/// - `build` is called once, when the model first meets data, before any `forward`.
/// - `forward` caches what `backward` needs; `backward` takes dL/d(output) and returns
///   dL/d(input), adding (not assigning) the parameter gradients into `Parameter.grad`.
/// - Shape mismatches throw `ShapeError`, never trap.
public protocol Layer: AnyObject {
    /// A short description for summaries, e.g. "dense 250 relu".
    var description: String { get }
    /// The per-sample output shape for a per-sample input shape.
    func outputShape(for input: [Int]) throws -> [Int]
    /// Allocates and initialises parameters for the per-sample input shape.
    func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws
    func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor
    func backward(_ outputGradient: Tensor) throws -> Tensor
    /// Trainable parameters, in a fixed order (optimizer state is keyed by this order).
    var parameters: [Parameter] { get }
    /// State saved with the model but not trained (running statistics), in a fixed order; none
    /// for most layers.
    var buffers: [Buffer] { get }
}

extension Layer {
    public var buffers: [Buffer] { [] }
}

/// A shape that does not fit, with both sizes named so the learner can see which is which.
public struct ShapeError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
