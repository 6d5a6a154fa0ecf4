/// A model definition walked layer by layer: the per-sample shape after each layer, and the
/// spec each layer carries out. The one walk behind `Autoencoder.init` (which builds each layer
/// as the walk passes it) and the session's check of a definition (which weighs each layer
/// before anything is allocated, and points at the line that does not fit).
public struct LayerWalk {
    /// Per-sample input shape, e.g. [28, 28, 1].
    public let inputShape: [Int]
    /// The layers passed so far, in order.
    public private(set) var layers: [Layer] = []
    /// The per-sample output shape of each layer in `layers`.
    public private(set) var outputShapes: [[Int]] = []
    /// The index (in the definition's specs) of the spec each layer in `layers` carries out.
    public private(set) var specIndices: [Int] = []

    public init(inputShape: [Int]) {
        self.inputShape = inputShape
    }

    /// The shape the next layer receives: the last layer's output, or the input's.
    public var shape: [Int] { outputShapes.last ?? inputShape }

    /// Passes the shape through `layer`, made for spec number `spec`, and returns its output
    /// shape; throws the layer's `ShapeError` (and passes nothing) when it does not fit.
    @discardableResult
    public mutating func pass(_ layer: Layer, spec: Int) throws -> [Int] {
        let output = try layer.outputShape(for: shape)
        layers.append(layer)
        outputShapes.append(output)
        specIndices.append(spec)
        return output
    }

    /// Why the layers so far cannot end a model for this input, or nil when they can: the last
    /// output must hold as many values as the input (it is reshaped to the input's shape).
    public var outputMismatch: String? {
        let outputCount = shape.reduce(1, *), inputCount = inputShape.reduce(1, *)
        guard outputCount != inputCount else { return nil }
        return
            "the decoder ends with \(outputCount) values but the input has \(inputCount) (\(Tensor.describe(inputShape)))"
    }
}
