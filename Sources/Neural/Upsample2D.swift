/// Nearest-neighbour upsampling, as Keras's UpSampling2D: every pixel becomes a
/// factor x factor block.
///
///   forward:  x (n, h, w, c) -> y (n, h*f, w*f, c);  y[oy][ox] = x[oy / f][ox / f]
///   backward: dy (n, h*f, w*f, c) -> dx (n, h, w, c);  dx = the sum of dy over each f x f block
public final class Upsample2D: ResamplingLayer {
    public let factor: Int
    var input: ImageShape?
    /// Set by the model when the next layer (a convolution) upsamples by itself, working on the
    /// small image (see UpsampledConvolution): this layer then hands the small image on, and
    /// the gradient back, unchanged.
    var passesThrough = false

    public init(factor: Int) {
        self.factor = factor
    }

    public var description: String { "upsample \(factor)" }

    func output(for image: ImageShape) throws -> ImageShape {
        guard factor >= 1 else { throw ShapeError("\(description) needs a factor of at least 1") }
        return ImageShape(height: image.height * factor, width: image.width * factor, channels: image.channels)
    }

    // forward: x (n, h, w, c) -> y (n, h*f, w*f, c)
    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        let (image, out) = try built()
        if passesThrough && x.shape.count == 4 && Array(x.shape.dropFirst()) == image.dimensions { return x }
        try checkBatchShape(x, expected: image.dimensions, layer: description)
        let n = x.batch, c = image.channels, f = factor
        var y = uninitializedFloats(n * out.count)
        x.data.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                for sample in 0..<n {
                    for iy in 0..<image.height {
                        // Build one output row from the input row, then repeat it f - 1 times.
                        let inRow = src + (sample * image.height + iy) * image.width * c
                        let outRow = dst + (sample * out.height + iy * f) * out.width * c
                        for ix in 0..<image.width {
                            for r in 0..<f { copyFloats(from: inRow + ix * c, to: outRow + (ix * f + r) * c, count: c) }
                        }
                        for r in 1..<max(f, 1) {
                            (outRow + r * out.width * c).update(from: outRow, count: out.width * c)
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n] + out.dimensions, data: y)
    }

    // backward: dy (n, h*f, w*f, c) -> dx (n, h, w, c)
    public func backward(_ dy: Tensor) throws -> Tensor {
        let (image, out) = try built()
        if passesThrough && dy.shape.count == 4 && Array(dy.shape.dropFirst()) == image.dimensions { return dy }
        try checkBatchShape(dy, expected: out.dimensions, layer: description, what: "output-gradient")
        let n = dy.batch, c = image.channels, f = factor
        var dx = [Float](repeating: 0, count: n * image.count)
        dy.data.withUnsafeBufferPointer { g in
            dx.withUnsafeMutableBufferPointer { dst in
                for sample in 0..<n {
                    for oy in 0..<out.height {
                        let outRow = (sample * out.height + oy) * out.width * c
                        let inRow = (sample * image.height + oy / f) * image.width * c
                        for ox in 0..<out.width {
                            let from = outRow + ox * c, to = inRow + (ox / f) * c
                            for ch in 0..<c { dst[to + ch] += g[from + ch] }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n] + image.dimensions, data: dx)
    }
}

/// `upsample 2` (2 unless written): nearest-neighbour.
public struct UpsampleLine: LayerDeclaration {
    public static let keyword = "upsample"
    public static let grammar: LayerGrammar? = LayerGrammar(
        keyword,
        arguments: [
            LayerArgument("factor", .size("the upsampling factor", maximum: 256), .optional(default: .integer(2)))
        ])

    public var factor: Int

    public init(factor: Int) { self.factor = factor }
    public init(line: LayerLine) throws { self.init(factor: try line.integer("factor")) }

    public var text: String { "upsample \(factor)" }
    public func makeLayers() -> [Layer] { [Upsample2D(factor: factor)] }
    public func parameterCount(input: [Int]) -> Int? { 0 }
}

extension LayerSpec {
    public static func upsample(factor: Int) -> LayerSpec { LayerSpec(UpsampleLine(factor: factor)) }
}
