import Support

/// Turns each sample into a flat vector in row-major (height, width, channels) order, as
/// Keras's Flatten, so a dense layer can follow a convolution.
///
///   forward:  x (n, s...) -> y (n, product of s), same data
///   backward: dy (n, product of s) -> dx (n, s...), same data
public final class Flatten: Layer {
    private var input: [Int]?

    public init() {}

    public var description: String { "flatten" }
    public var parameters: [Parameter] { [] }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard !input.isEmpty, input.allSatisfy({ $0 > 0 }) else {
            throw ShapeError("flatten needs a non-empty input shape but got \(shapeInParentheses(input))")
        }
        return [input.reduce(1, *)]
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        _ = try outputShape(for: inputShape)
        input = inputShape
    }

    // forward: x (n, s...) -> y (n, product of s)
    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        guard let input else { throw ShapeError("flatten was used before it was built for an input shape") }
        try checkBatchShape(x, expected: input, layer: description)
        return Tensor(shape: [x.batch, x.sampleSize], data: x.data)
    }

    // backward: dy (n, product of s) -> dx (n, s...)
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let input else { throw ShapeError("flatten was used before it was built for an input shape") }
        try checkBatchShape(dy, expected: [input.reduce(1, *)], layer: description, what: "output-gradient")
        return Tensor(shape: [dy.batch] + input, data: dy.data)
    }
}

/// `flatten`: each sample a flat vector.
public struct FlattenLine: LayerDeclaration {
    public static let keyword = "flatten"
    public static let grammar: LayerGrammar? = LayerGrammar(keyword)

    public init() {}
    public init(line: LayerLine) throws {}

    public var text: String { "flatten" }
    public func makeLayers() -> [Layer] { [Flatten()] }
    public func parameterCount(input: [Int]) -> Int? { 0 }
}

extension LayerSpec {
    public static var flatten: LayerSpec { LayerSpec(FlattenLine()) }
}
