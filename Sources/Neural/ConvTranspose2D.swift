import Support

/// A transposed 2-D convolution ("deconv"), as Keras's Conv2DTranspose: the adjoint of a
/// convolution from the output back to the input, so a stride enlarges the image.
/// Output sizes as Keras: same -> in * stride; valid -> (in - 1) * stride + kernel.
///
/// Weights are stored as Keras stores them, (kernel, kernel, filters, inChannels), read as the
/// (k*k*filters x inChannels) matrix W of the convolution this layer is the adjoint of.
///
///   forward:  x (n, h, w, cin) -> y (n, oh, ow, filters)
///             y = col2im(x . W^T) + b,  x viewed as (n*h*w, cin), x . W^T: (n*h*w, k*k*filters)
///   backward: dy (n, oh, ow, filters) -> dx (n, h, w, cin)
///             col = im2col(dy): (n*h*w, k*k*filters);  dx = col . W;  dW += col^T . x;  db += sum dy
public final class ConvTranspose2D: Layer, InputGradientSkippingLayer {
    public let filters: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Padding
    /// False for a model's first layer: its input gradient is skipped and `backward` returns an
    /// empty tensor.
    public var computesInputGradient = true

    public private(set) var weight = Parameter(name: "kernel", value: Tensor(zeros: [0]))
    public private(set) var bias = Parameter(name: "bias", value: Tensor(zeros: [0]))
    /// The geometry of the convolution from this layer's output back to its input.
    private var geometry: ConvGeometry?
    private var inputShape: ImageShape?
    private var cachedInput: Tensor?
    private let scratch = Scratch()
    private let partialSums = Scratch()

    public init(filters: Int, kernel: Int, stride: Int = 1, padding: Padding = .same) {
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    public var description: String {
        ConvParts.description("deconv", filters: filters, kernel: kernel, stride: stride, padding: padding)
    }

    public var parameters: [Parameter] { [weight, bias] }

    private func makeGeometry(_ input: [Int]) throws -> (ImageShape, ConvGeometry) {
        guard filters >= 1, kernel >= 1, stride >= 1 else {
            throw ShapeError("\(description) needs at least 1 filter, a kernel and a stride of at least 1")
        }
        let image = try ImageShape(input, for: description)
        let outHeight = padding == .same ? image.height * stride : (image.height - 1) * stride + kernel
        let outWidth = padding == .same ? image.width * stride : (image.width - 1) * stride + kernel
        let output = ImageShape(height: outHeight, width: outWidth, channels: filters)
        let g = try ConvGeometry(input: output, kernel: kernel, stride: stride, padding: padding, layer: description)
        guard g.outHeight == image.height, g.outWidth == image.width else {
            throw ShapeError(
                "\(description) cannot map \(shapeInParentheses(image.dimensions)) onto \(shapeInParentheses(output.dimensions))"
            )
        }
        return (image, g)
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        try makeGeometry(input).1.input.dimensions
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        let (image, g) = try makeGeometry(inputShape)
        self.inputShape = image
        geometry = g
        // Keras's fans for a (k, k, filters, cin) kernel: fanIn = k*k*filters, fanOut = k*k*cin.
        let fanIn = kernel * kernel * filters, fanOut = kernel * kernel * image.channels
        (weight, bias) = ConvParts.parameters(
            kernelShape: [kernel, kernel, filters, image.channels], filters: filters, fanIn: fanIn, fanOut: fanOut,
            initializer: initializer, rng: rng)
    }

    private func built() throws -> (ImageShape, ConvGeometry) {
        guard let inputShape, let geometry else {
            throw ShapeError("\(description) was used before it was built for an input shape")
        }
        return (inputShape, geometry)
    }

    // forward: x (n, h, w, cin) -> y (n, oh, ow, filters); y = col2im(x . W^T) + b, chunk by chunk.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        let (image, g) = try built()
        try checkBatchShape(input, expected: image.dimensions, layer: description)
        let n = input.batch, rowsPerSample = image.height * image.width, patch = g.patchSize
        let cin = image.channels, outCount = g.input.count, f = filters
        var output = uninitializedFloats(n * outCount)
        let chunks = BatchChunks(samples: n, floatsPerSample: rowsPerSample * patch)
        let buffers = scratch.reserve(workers: chunks.workers, sizes: [chunks.samplesPerChunk * rowsPerSample * patch])
        input.data.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                weight.value.data.withUnsafeBufferPointer { w in
                    bias.value.data.withUnsafeBufferPointer { b in
                        let x = x.baseAddress!, y = y.baseAddress!, w = w.baseAddress!, b = b.baseAddress!
                        chunks.run { worker, _, samples in
                            let col = buffers[worker][0]
                            let rows = samples.count * rowsPerSample
                            gemm(
                                transposeA: false, transposeB: true, m: rows, n: patch, k: cin,
                                a: x + samples.lowerBound * rowsPerSample * cin, lda: cin, b: w, ldb: cin, beta: 0,
                                c: col, ldc: patch)
                            let yChunk = y + samples.lowerBound * outCount
                            g.col2im(col, samples: samples.count, into: yChunk)
                            for pixel in 0..<(samples.count * outCount / f) {
                                let row = yChunk + pixel * f
                                for j in 0..<f { row[j] += b[j] }
                            }
                        }
                    }
                }
            }
        }
        cachedInput = input
        return Tensor(shape: [n] + g.input.dimensions, data: output)
    }

    // backward: dy (n, oh, ow, filters) -> dx (n, h, w, cin); dx = im2col(dy) . W.
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let (image, g) = try built()
        // Small kernels: zero a gradient to be replaced, then add the parts as usual.
        weight.settleGradient()
        bias.settleGradient()
        try checkBatchShape(outputGradient, expected: g.input.dimensions, layer: description, what: "output-gradient")
        let input = try ConvParts.cachedInput(cachedInput, for: outputGradient, layer: description)
        let n = input.batch, rowsPerSample = image.height * image.width, patch = g.patchSize
        let cin = image.channels, outCount = g.input.count, f = filters
        let wantsInputGradient = computesInputGradient
        var inputGradient = uninitializedFloats(wantsInputGradient ? n * image.count : 0)
        let chunks = BatchChunks(samples: n, floatsPerSample: rowsPerSample * patch)
        let buffers = scratch.reserve(
            workers: chunks.workers, sizes: [chunks.samplesPerChunk * rowsPerSample * patch, g.paddedCount])
        let slot = patch * cin + f
        let partials = partialSums.reserve(workers: 1, sizes: [chunks.chunkCount * slot])[0][0]
        input.data.withUnsafeBufferPointer { x in
            outputGradient.data.withUnsafeBufferPointer { dy in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    weight.value.data.withUnsafeBufferPointer { w in
                        let x = x.baseAddress!, dy = dy.baseAddress!, dx = wantsInputGradient ? dx.baseAddress : nil,
                            w = w.baseAddress!
                        chunks.run { worker, chunk, samples in
                            let col = buffers[worker][0], dw = partials + chunk * slot, db = dw + patch * cin
                            dw.update(repeating: 0, count: slot)
                            let rows = samples.count * rowsPerSample
                            let dyChunk = dy + samples.lowerBound * outCount
                            let xChunk = x + samples.lowerBound * rowsPerSample * cin
                            g.im2col(dyChunk, samples: samples.count, padded: buffers[worker][1], into: col)
                            // dx = col . W
                            if let dx {
                                gemm(
                                    transposeA: false, transposeB: false, m: rows, n: cin, k: patch, a: col, lda: patch,
                                    b: w, ldb: cin, beta: 0, c: dx + samples.lowerBound * rowsPerSample * cin, ldc: cin)
                            }
                            // dW += col^T . x
                            gemm(
                                transposeA: true, transposeB: false, m: patch, n: cin, k: rows, a: col, lda: patch,
                                b: xChunk, ldb: cin, beta: 1, c: dw, ldc: cin)
                            for pixel in 0..<(samples.count * outCount / f) {
                                let row = dyChunk + pixel * f
                                for j in 0..<f { db[j] += row[j] }
                            }
                        }
                    }
                }
            }
        }
        addPartials(partials, slot: slot, chunks: chunks.chunkCount, into: weight, bias)
        guard wantsInputGradient else { return Tensor(zeros: [0]) }
        return Tensor(shape: input.shape, data: inputGradient)
    }
}

/// `deconv 8 kernel 3 stride 2 relu`: a transposed convolution and its activation after it.
public struct DeconvLine: ConvolutionLine {
    public static let keyword = "deconv"

    public var filters: Int
    public var kernel: Int
    public var stride: Int
    public var padding: Padding
    public var activation: Activation

    public init(filters: Int, kernel: Int, stride: Int, padding: Padding, activation: Activation) {
        (self.filters, self.kernel, self.stride, self.padding) = (filters, kernel, stride, padding)
        self.activation = activation
    }

    public func makeConvolution() -> Layer {
        ConvTranspose2D(filters: filters, kernel: kernel, stride: stride, padding: padding)
    }
}

extension LayerSpec {
    public static func deconv(filters: Int, kernel: Int, stride: Int, padding: Padding, activation: Activation)
        -> LayerSpec
    {
        LayerSpec(
            DeconvLine(filters: filters, kernel: kernel, stride: stride, padding: padding, activation: activation))
    }
}
