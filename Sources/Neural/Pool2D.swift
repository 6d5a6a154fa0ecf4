import CKernels
import Support

/// Max or average pooling over size x size windows with stride = size, as Keras's MaxPooling2D
/// and AveragePooling2D with their default padding "valid": out = floor(in / size), and a
/// trailing row or column that does not fill a window is dropped.
///
///   forward:  x (n, h, w, c) -> y (n, h / s, w / s, c)
///             max: y = the window's largest value (the first one on ties, as PyTorch);
///             average: y = the window's mean
///   backward: dy (n, h / s, w / s, c) -> dx (n, h, w, c)
///             max: dy goes to the position that won; average: dy / (s*s) to every position
public final class Pool2D: ResamplingLayer {
    public let kind: PoolKind
    public let size: Int

    var input: ImageShape?
    /// For max pooling: for each output value, the offset of the input value that won.
    private var winners: [Int32] = []
    private var cachedBatch = 0

    public init(kind: PoolKind, size: Int) {
        self.kind = kind
        self.size = size
    }

    public var description: String { "pool \(kind.rawValue) \(size)" }

    func output(for image: ImageShape) throws -> ImageShape {
        guard size >= 1 else { throw ShapeError("\(description) needs a size of at least 1") }
        guard image.height >= size, image.width >= size else {
            throw ShapeError(
                "\(description) needs an image at least \(size)x\(size) but got \(shapeInParentheses(image.dimensions))"
            )
        }
        return ImageShape(height: image.height / size, width: image.width / size, channels: image.channels)
    }

    // forward: x (n, h, w, c) -> y (n, h / s, w / s, c)
    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        let (image, out) = try built()
        try checkBatchShape(x, expected: image.dimensions, layer: description)
        let n = x.batch, c = image.channels, s = size, inWidth = image.width
        var y = uninitializedFloats(n * out.count)
        if kind == .max {
            // Every entry is written by the pooling below.
            winners = [Int32](unsafeUninitializedCapacity: n * out.count) { _, initialized in
                initialized = n * out.count
            }
        }
        let scale = 1 / Float(s * s)
        x.data.withUnsafeBufferPointer { src in
            y.withUnsafeMutableBufferPointer { dst in
                winners.withUnsafeMutableBufferPointer { win in
                    // Samples in bands on the compute team; each writes only its own outputs.
                    ComputeTeam.engine.forEachRange(n, minimum: max(1, 16_384 / max(image.count, 1)), alignment: 1) {
                        band in
                        for sample in band {
                            let xBase = sample * image.count, yBase = sample * out.count
                            if kind == .max {
                                // Branch-free selects in C (this loop ran at 1.4 ns a value in Swift).
                                ck_max_pool(
                                    src.baseAddress! + xBase, Int64(image.height), Int64(inWidth), Int64(c), Int64(s),
                                    dst.baseAddress! + yBase, win.baseAddress! + yBase)
                                continue
                            }
                            // Average pooling.
                            for oy in 0..<out.height {
                                for ox in 0..<out.width {
                                    let yRow = yBase + (oy * out.width + ox) * c
                                    let corner = xBase + (oy * s * inWidth + ox * s) * c
                                    for ch in 0..<c {
                                        var sum: Float = 0
                                        for dy in 0..<s {
                                            for dx in 0..<s { sum += src[corner + (dy * inWidth + dx) * c + ch] }
                                        }
                                        dst[yRow + ch] = sum * scale
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        cachedBatch = n
        return Tensor(shape: [n] + out.dimensions, data: y)
    }

    // backward: dy (n, h / s, w / s, c) -> dx (n, h, w, c)
    public func backward(_ dy: Tensor) throws -> Tensor {
        let (image, out) = try built()
        try checkBatchShape(dy, expected: out.dimensions, layer: description, what: "output-gradient")
        guard dy.batch == cachedBatch else {
            throw ShapeError(
                "\(description): the output gradient's batch \(shapeInParentheses(dy.shape)) does not match the "
                    + "forward pass's batch of \(cachedBatch)")
        }
        let n = dy.batch, c = image.channels, s = size, inWidth = image.width
        // Zeroed band by band inside the job below (a serial zeroing pass held up both threads).
        var dx = uninitializedFloats(n * image.count)
        let scale = 1 / Float(s * s)
        dy.data.withUnsafeBufferPointer { g in
            dx.withUnsafeMutableBufferPointer { dst in
                winners.withUnsafeBufferPointer { win in
                    ComputeTeam.engine.forEachRange(n, minimum: max(1, 16_384 / max(image.count, 1)), alignment: 1) {
                        band in
                        (dst.baseAddress! + band.lowerBound * image.count).update(
                            repeating: 0, count: band.count * image.count)
                        for sample in band {
                            let xBase = sample * image.count, yBase = sample * out.count
                            if kind == .max {
                                for i in 0..<out.count { dst[xBase + Int(win[yBase + i])] += g[yBase + i] }
                                continue
                            }
                            for oy in 0..<out.height {
                                for ox in 0..<out.width {
                                    let yRow = yBase + (oy * out.width + ox) * c
                                    let corner = xBase + (oy * s * inWidth + ox * s) * c
                                    for dy in 0..<s {
                                        for dx in 0..<s {
                                            let at = corner + (dy * inWidth + dx) * c
                                            for ch in 0..<c { dst[at + ch] = g[yRow + ch] * scale }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n] + image.dimensions, data: dx)
    }
}

/// `pool max 2`, `pool avg`, `pool`: the kind (max unless written) and the size (2 unless written).
public struct PoolLine: LayerDeclaration {
    public static let keyword = "pool"
    public static let grammar: LayerGrammar? = LayerGrammar(
        keyword,
        arguments: [
            LayerArgument(
                "kind", .choice("kind of pooling", PoolKind.allCases.map(\.rawValue)), .optional(default: .word("max"))),
            LayerArgument("size", .size("the pool size", maximum: 256), .optional(default: .integer(2))),
        ])

    public var kind: PoolKind
    public var size: Int

    public init(kind: PoolKind, size: Int) {
        self.kind = kind
        self.size = size
    }

    public init(line: LayerLine) throws {
        self.init(kind: try line.choice("kind", as: PoolKind.self), size: try line.integer("size"))
    }

    public var text: String { "pool \(kind.rawValue) \(size)" }
    public func makeLayers() -> [Layer] { [Pool2D(kind: kind, size: size)] }
    public func parameterCount(input: [Int]) -> Int? { 0 }
}

extension LayerSpec {
    public static func pool(kind: PoolKind, size: Int) -> LayerSpec { LayerSpec(PoolLine(kind: kind, size: size)) }
}
