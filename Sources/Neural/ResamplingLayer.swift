import Support

/// A parameter-free layer that resamples an image (pooling, upsampling): its output shape follows
/// from the input's by `output(for:)`, and building only remembers the input shape. The shared
/// shape plumbing lives here so each such layer writes only its geometry and its loops.
protocol ResamplingLayer: Layer {
    /// The per-sample input shape, set by `build`.
    var input: ImageShape? { get set }
    /// The output shape for an input shape; throws when the image does not fit.
    func output(for image: ImageShape) throws -> ImageShape
}

extension ResamplingLayer {
    public var parameters: [Parameter] { [] }

    public func outputShape(for input: [Int]) throws -> [Int] {
        try output(for: ImageShape(input, for: description)).dimensions
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        let image = try ImageShape(inputShape, for: description)
        _ = try output(for: image)
        input = image
    }

    /// The built input and output shapes; a layer used before `build` says so.
    func built() throws -> (ImageShape, ImageShape) {
        guard let input else { throw ShapeError("\(description) was used before it was built for an input shape") }
        return (input, try output(for: input))
    }
}
