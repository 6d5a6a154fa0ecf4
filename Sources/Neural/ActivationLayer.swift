import Support

/// An activation on its own (after a layer that has none, or to change one's mind later).
public final class ActivationLayer: Layer, LogitsEmittingLayer {
    public let activation: Activation
    public var emitsLogits = false
    public var takesPreActivationGradient = false
    /// Set by the model when the convolution before applies this activation itself (see
    /// Conv2D.fuseActivation): values and gradients then pass unchanged.
    var passesThrough = false
    private var output = Tensor(zeros: [0])

    public init(_ activation: Activation) { self.activation = activation }

    public var description: String { activation.rawValue }
    public var parameters: [Parameter] { [] }

    public func outputShape(for input: [Int]) throws -> [Int] { input }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {}

    // forward: x (B, ...) -> y (B, ...), y = f(x) element-wise
    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        if passesThrough { return x }
        var y = x
        if !emitsLogits {
            y.data.withUnsafeMutableBufferPointer { activation.apply($0) }
        }
        output = y
        return y
    }

    // backward: dy (B, ...) -> dx (B, ...), dx = dy ⊙ f'(x), f' read from the cached y
    public func backward(_ dy: Tensor) throws -> Tensor {
        if passesThrough { return dy }
        let applied = emitsLogits || takesPreActivationGradient
        return try (applied ? .linear : activation).inputGradient(dy, output: output, layer: description)
    }
}
