import Support

/// What Conv2D and ConvTranspose2D share apart from their geometry.
enum ConvParts {
    /// "conv 4 kernel 5", "deconv 8 kernel 3 stride 2 padding valid": the lesson language's words.
    static func description(_ word: String, filters: Int, kernel: Int, stride: Int, padding: Padding) -> String {
        "\(word) \(filters) kernel \(kernel)" + (stride == 1 ? "" : " stride \(stride)")
            + (padding == .same ? "" : " padding \(padding.rawValue)")
    }

    /// The layer, and its activation as a layer of its own after it (none when linear).
    static func withActivation(_ layer: Layer, _ activation: Activation) -> [Layer] {
        activation == .linear ? [layer] : [layer, ActivationLayer(activation)]
    }

    /// A fresh kernel of `shape` (Keras's layout) and a bias per filter, drawn with Keras's fans.
    static func parameters(
        kernelShape shape: [Int], filters: Int, fanIn: Int, fanOut: Int, initializer: Initializer, rng: SeededGenerator
    ) -> (kernel: Parameter, bias: Parameter) {
        let count = shape.reduce(1, *)
        return (
            Parameter(
                name: "kernel",
                value: Tensor(
                    shape: shape, data: initializer.weights(count: count, fanIn: fanIn, fanOut: fanOut, rng: rng))),
            Parameter(
                name: "bias",
                value: Tensor(shape: [filters], data: initializer.biases(count: filters, fanIn: fanIn, rng: rng)))
        )
    }

    /// The input cached by forward, checked against the output gradient backward was given.
    static func cachedInput(_ input: Tensor?, for gradient: Tensor, layer: String) throws -> Tensor {
        guard let input else { throw ShapeError("\(layer): backward called before forward") }
        guard gradient.batch == input.batch else {
            throw ShapeError(
                "\(layer): the output gradient's batch \(shapeInParentheses(gradient.shape)) does not match "
                    + "the input's \(shapeInParentheses(input.shape))")
        }
        return input
    }
}

/// What `conv` and `deconv` lines share (ConvLine in Conv2D.swift, DeconvLine in
/// ConvTranspose2D.swift): `conv 8 kernel 5 stride 2 padding valid relu`, kernel 3, stride 1 and
/// padding same unless written; the layer and its activation after it; a kernel of
/// k x k x inChannels x filters and a bias per filter.
public protocol ConvolutionLine: LayerDeclaration {
    var filters: Int { get }
    var kernel: Int { get }
    var stride: Int { get }
    var padding: Padding { get }
    var activation: Activation { get }
    init(filters: Int, kernel: Int, stride: Int, padding: Padding, activation: Activation)
    /// The convolution, without its activation.
    func makeConvolution() -> Layer
}

extension ConvolutionLine {
    public static var grammar: LayerGrammar? {
        LayerGrammar(
            keyword, arguments: [LayerArgument("filters", .size("the number of filters"))],
            options: [
                LayerOption("kernel", .size("the kernel size", maximum: 256), default: .integer(3)),
                LayerOption("stride", .size("the stride", maximum: 256), default: .integer(1)),
                LayerOption("padding", .choice("padding", Padding.allCases.map(\.rawValue)), default: .word("same")),
            ], takesActivation: true)
    }

    public init(line: LayerLine) throws {
        self.init(
            filters: try line.integer("filters"), kernel: try line.integer("kernel"),
            stride: try line.integer("stride"),
            padding: try line.choice("padding", as: Padding.self), activation: line.activation ?? .linear)
    }

    public var text: String {
        ConvParts.description(Self.keyword, filters: filters, kernel: kernel, stride: stride, padding: padding)
            + LayerText.activationSuffix(activation)
    }

    public func makeLayers() -> [Layer] { ConvParts.withActivation(makeConvolution(), activation) }

    /// The kernel's k x k x inChannels x filters (the input's channels are its last size) and the biases.
    public func parameterCount(input: [Int]) -> Int? {
        LayerCount.affine(fanIn: LayerCount.product([kernel, kernel, input.last ?? 1]), units: filters)
    }

    public var outputActivation: Activation { activation }
}
