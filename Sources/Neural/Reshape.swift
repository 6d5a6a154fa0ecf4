import Support

/// Gives each sample a new shape with the same number of values (row-major order kept),
/// as Keras's Reshape; e.g. `reshape 7 7 16` turns 784 values into a 7x7 image of 16 channels.
///
///   forward:  x (n, s...) -> y (n, target...), same data
///   backward: dy (n, target...) -> dx (n, s...), same data
public final class Reshape: Layer {
    public let target: [Int]
    private var input: [Int]?

    public init(_ target: [Int]) {
        self.target = target
    }

    public var description: String { "reshape " + target.map(String.init).joined(separator: " ") }
    public var parameters: [Parameter] { [] }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard !target.isEmpty, target.allSatisfy({ $0 > 0 }) else {
            throw ShapeError("\(description) needs one or more sizes, each at least 1")
        }
        let wanted = target.reduce(1, *), have = input.reduce(1, *)
        guard wanted == have else {
            throw ShapeError(
                "\(description) needs \(wanted) values per sample \(shapeInParentheses(target)) "
                    + "but the input has \(have) \(shapeInParentheses(input))")
        }
        return target
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        _ = try outputShape(for: inputShape)
        input = inputShape
    }

    // forward: x (n, s...) -> y (n, target...)
    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        guard let input else { throw ShapeError("\(description) was used before it was built for an input shape") }
        try checkBatchShape(x, expected: input, layer: description)
        return Tensor(shape: [x.batch] + target, data: x.data)
    }

    // backward: dy (n, target...) -> dx (n, s...)
    public func backward(_ dy: Tensor) throws -> Tensor {
        guard let input else { throw ShapeError("\(description) was used before it was built for an input shape") }
        try checkBatchShape(dy, expected: target, layer: description, what: "output-gradient")
        return Tensor(shape: [dy.batch] + input, data: dy.data)
    }
}

/// `reshape 7 7 16`: a new per-sample shape, of one to three sizes.
public struct ReshapeLine: LayerDeclaration {
    public static let keyword = "reshape"
    public static let grammar: LayerGrammar? = LayerGrammar(
        keyword, arguments: [LayerArgument("shape", .size("a size"), .repeated(maximum: 3))],
        ending: "reshape (at most three sizes: height width channels)")

    public var shape: [Int]

    public init(shape: [Int]) { self.shape = shape }
    public init(line: LayerLine) throws { self.init(shape: try line.integers("shape")) }

    public var text: String { "reshape " + shape.map(String.init).joined(separator: " ") }
    public func makeLayers() -> [Layer] { [Reshape(shape)] }
    public func parameterCount(input: [Int]) -> Int? { 0 }
}

extension LayerSpec {
    public static func reshape(shape: [Int]) -> LayerSpec { LayerSpec(ReshapeLine(shape: shape)) }
}
