import Support

/// An activation on its own (after a layer that has none, or to change one's mind later).
public final class ActivationLayer: Layer, PlannedLayer {
    public let activation: Activation
    /// Set by the model when the convolution before applies this activation itself (see
    /// Conv2D.fuseActivation): values and gradients then pass unchanged.
    var passesThrough = false
    private var output = Tensor(zeros: [0])

    public init(_ activation: Activation) { self.activation = activation }

    public var description: String { activation.rawValue }
    public var parameters: [Parameter] { [] }

    public func outputShape(for input: [Int]) throws -> [Int] { input }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {}

    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        try forward(x, context: context, plan: .plain)
    }

    // forward: x (B, ...) -> y (B, ...), y = f(x) element-wise (y = x when the plan asks for logits)
    func forward(_ x: Tensor, context: ForwardContext, plan: LayerPlan) throws -> Tensor {
        if passesThrough { return x }
        var y = x
        if !plan.emitsLogits {
            y.data.withUnsafeMutableBufferPointer { activation.apply($0) }
        }
        output = y
        return y
    }

    public func backward(_ dy: Tensor) throws -> Tensor {
        try backward(dy, plan: .plain)
    }

    // backward: dy (B, ...) -> dx (B, ...), dx = dy ⊙ f'(x), f' read from the cached y
    //   (dx = dy when the plan hands this layer dL/d(pre-activation))
    func backward(_ dy: Tensor, plan: LayerPlan) throws -> Tensor {
        if passesThrough { return dy }
        return try (plan.takesPreActivationGradient ? .linear : activation).inputGradient(
            dy, output: output, layer: description)
    }
}

/// An activation on a line of its own: the engine makes it (a spec of `tanh`), the lesson
/// language does not write it (an activation goes on the line of its layer).
public struct ActivationLine: LayerDeclaration {
    public static let keyword = "activation"
    public static let grammar: LayerGrammar? = nil

    public var activation: Activation

    public init(_ activation: Activation) { self.activation = activation }

    public init(line: LayerLine) throws {
        guard let activation = line.activation else {
            throw LayerLineError(slot: LayerLine.activationSlot, "an activation line needs an activation")
        }
        self.init(activation)
    }

    /// Saved as the enum case this was: `{"activation": {"_0": "tanh"}}`.
    enum CodingKeys: String, CodingKey { case activation = "_0" }

    public var text: String { activation.rawValue }
    public func makeLayers() -> [Layer] { [ActivationLayer(activation)] }
    public func parameterCount(input: [Int]) -> Int? { 0 }
    public var outputActivation: Activation { activation }
}

extension LayerSpec {
    public static func activation(_ activation: Activation) -> LayerSpec { LayerSpec(ActivationLine(activation)) }
}
