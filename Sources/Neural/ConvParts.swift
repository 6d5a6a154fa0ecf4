import Support

/// What Conv2D and ConvTranspose2D share apart from their geometry.
enum ConvParts {
    /// "conv 4 kernel 5", "deconv 8 kernel 3 stride 2 padding valid": the lesson language's words.
    static func description(_ word: String, filters: Int, kernel: Int, stride: Int, padding: Padding) -> String {
        "\(word) \(filters) kernel \(kernel)" + (stride == 1 ? "" : " stride \(stride)")
            + (padding == .same ? "" : " padding \(padding.rawValue)")
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
