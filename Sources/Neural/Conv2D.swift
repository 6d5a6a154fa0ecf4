import Support

/// A 2-D convolution over channels-last images, as Keras's Conv2D: `filters` output channels,
/// a square `kernel`, a `stride`, padding same|valid, and a bias per filter. No activation:
/// the model adds one as its own layer.
///
/// Weights are stored as Keras stores them, (kernel, kernel, inChannels, filters), which read
/// row-major is exactly the (patchSize x filters) matrix the im2col GEMM needs.
///
///   forward:  x (n, h, w, cin) -> y (n, oh, ow, filters)
///             col = im2col(x): (n*oh*ow, k*k*cin);  y = col . W + b,  W: (k*k*cin, filters)
///   backward: dy (n, oh, ow, filters) -> dx (n, h, w, cin)
///             dW += col^T . dy;  db += sum of dy over n, oh, ow;  dx = col2im(dy . W^T)
/// oh = ceil(h / stride) for same, (h - k) / stride + 1 for valid (and the same for widths).
public final class Conv2D: Layer, InputGradientSkippingLayer {
    public let filters: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Padding
    /// False for a model's first layer: its input gradient is skipped and `backward` returns an
    /// empty tensor.
    public var computesInputGradient = true

    public private(set) var weight = Parameter(name: "kernel", value: Tensor(zeros: [0]))
    public private(set) var bias = Parameter(name: "bias", value: Tensor(zeros: [0]))
    private var geometry: ConvGeometry?
    private var cachedInput: Tensor?
    private let scratch = Scratch()
    private let partialSums = Scratch()
    /// Whether few-channel stride-1 convolutions take the direct kernels (tests turn it off to
    /// compare with im2col).
    var allowsDirectConvolution = true
    /// Set by the model when an upsampling layer hands this layer its small image instead
    /// (see UpsampledConvolution); forward then takes either size.
    private(set) var upsampledInput: UpsampledConvolution?
    private var lastInputWasSmall = false
    private var phaseWeights: [Float] = []
    /// Set by the model when an activation layer follows (see `fuseActivation`): applied to each
    /// image's output as it is written, and its derivative to each image's output gradient.
    private(set) var fusedActivation = Activation.linear
    private var cachedOutput = Tensor(zeros: [0])

    public init(filters: Int, kernel: Int, stride: Int = 1, padding: Padding = .same) {
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    public var description: String {
        ConvParts.description("conv", filters: filters, kernel: kernel, stride: stride, padding: padding)
    }

    public var parameters: [Parameter] { [weight, bias] }

    private func makeGeometry(_ input: [Int]) throws -> ConvGeometry {
        guard filters >= 1 else { throw ShapeError("\(description) needs at least 1 filter") }
        let image = try ImageShape(input, for: description)
        return try ConvGeometry(input: image, kernel: kernel, stride: stride, padding: padding, layer: description)
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        let g = try makeGeometry(input)
        return [g.outHeight, g.outWidth, filters]
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        let g = try makeGeometry(inputShape)
        geometry = g
        let fanIn = kernel * kernel * g.input.channels, fanOut = kernel * kernel * filters
        (weight, bias) = ConvParts.parameters(
            kernelShape: [kernel, kernel, g.input.channels, filters], filters: filters, fanIn: fanIn, fanOut: fanOut,
            initializer: initializer, rng: rng)
    }

    private func builtGeometry() throws -> ConvGeometry {
        guard let geometry else { throw ShapeError("\(description) was used before it was built for an input shape") }
        return geometry
    }

    // forward: x (n, h, w, cin) -> y (n, oh, ow, filters); y = im2col(x) . W + b, chunk by chunk.
    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        let g = try builtGeometry()
        if let fused = upsampledInput, input.shape.count == 4, Array(input.shape.dropFirst()) == fused.input.dimensions
        {
            lastInputWasSmall = true
            cachedInput = input
            let output = upsampledForward(input, fused: fused, geometry: g)
            if fusedActivation != .linear { cachedOutput = output }
            return output
        }
        lastInputWasSmall = false
        try checkBatchShape(input, expected: g.input.dimensions, layer: description)
        let n = input.batch, rowsPerSample = g.outPixels, patch = g.patchSize, f = filters
        if allowsDirectConvolution && DirectConvolution.suits(g, filters: f) {
            cachedInput = input
            let result = Tensor(shape: [n, g.outHeight, g.outWidth, f], data: directForward(input, geometry: g))
            if fusedActivation != .linear { cachedOutput = result }
            return result
        }
        var output = uninitializedFloats(n * rowsPerSample * f)
        let chunks = BatchChunks(samples: n, floatsPerSample: rowsPerSample * patch)
        let buffers = scratch.reserve(
            workers: chunks.workers, sizes: [chunks.samplesPerChunk * rowsPerSample * patch, g.paddedCount])
        input.data.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                weight.value.data.withUnsafeBufferPointer { w in
                    bias.value.data.withUnsafeBufferPointer { b in
                        let x = x.baseAddress!, y = y.baseAddress!, w = w.baseAddress!, b = b.baseAddress!
                        chunks.run { worker, _, samples in
                            let col = buffers[worker][0]
                            let rows = samples.count * rowsPerSample
                            g.im2col(
                                x + samples.lowerBound * g.input.count, samples: samples.count,
                                padded: buffers[worker][1], into: col)
                            let yChunk = y + samples.lowerBound * rowsPerSample * f
                            fillRows(yChunk, rows: rows, with: b, width: f)
                            gemm(
                                transposeA: false, transposeB: false, m: rows, n: f, k: patch, a: col, lda: patch, b: w,
                                ldb: f, beta: 1, c: yChunk, ldc: f)
                        }
                    }
                }
            }
        }
        cachedInput = input
        return Tensor(shape: [n, g.outHeight, g.outWidth, f], data: output)
    }

    // backward: dy (n, oh, ow, filters) -> dx (n, h, w, cin), chunk by chunk; what forward's
    // im2col gave is recomputed rather than kept (a whole batch of it would not fit in cache).
    // Stride 1: dW += sum over ky of R_ky^T . dy, R the row expansion (see ConvGeometry), and
    //   dx = im2col'(dy) (n*h*w, k*k*filters) . flip(W) (k*k*filters, cin), a convolution itself.
    // Other strides: dW += col^T . dy and dx = col2im(dy . W^T).
    public func backward(_ outputGradient: Tensor) throws -> Tensor {
        let g = try builtGeometry()
        // Small kernels: zero a gradient to be replaced, then add the parts as usual.
        weight.settleGradient()
        bias.settleGradient()
        try checkBatchShape(
            outputGradient, expected: [g.outHeight, g.outWidth, filters], layer: description, what: "output-gradient")
        let input = try ConvParts.cachedInput(cachedInput, for: outputGradient, layer: description)
        if lastInputWasSmall, let fused = upsampledInput {
            return try upsampledBackward(input, outputGradient: outputGradient, fused: fused)
        }
        if allowsDirectConvolution && DirectConvolution.suits(g, filters: filters) {
            return try directBackward(input, outputGradient: outputGradient, geometry: g)
        }
        let n = input.batch, rowsPerSample = g.outPixels, patch = g.patchSize, f = filters, cin = g.input.channels
        let run = kernel * cin, k = kernel
        let full = stride == 1 ? g.inputGradientGeometry(filters: f) : nil
        let flipped = stride == 1 ? flippedKernel() : []
        let wantsInputGradient = computesInputGradient
        var inputGradient = uninitializedFloats(wantsInputGradient ? n * g.input.count : 0)
        let chunks = BatchChunks(samples: n, floatsPerSample: 2 * rowsPerSample * patch)
        let firstSize = full == nil ? chunks.samplesPerChunk * rowsPerSample * patch : g.rowExpandedCount
        let secondSize = full.map { chunks.samplesPerChunk * $0.outPixels * $0.patchSize } ?? firstSize
        let padSize = max(g.paddedCount, full?.paddedCount ?? 0)
        let buffers = scratch.reserve(workers: chunks.workers, sizes: [firstSize, secondSize, padSize])
        // Per-chunk partial dW and db, added in chunk order below.
        let slot = patch * f + f
        let partials = partialSums.reserve(workers: 1, sizes: [chunks.chunkCount * slot])[0][0]
        input.data.withUnsafeBufferPointer { x in
            outputGradient.data.withUnsafeBufferPointer { dy in
                inputGradient.withUnsafeMutableBufferPointer { dx in
                    weight.value.data.withUnsafeBufferPointer { w in
                        flipped.withUnsafeBufferPointer { wFlipped in
                            let x = x.baseAddress!, dy = dy.baseAddress!, w = w.baseAddress!
                            // An empty array may still have a base address (the shared empty storage): ask the flag.
                            let dx = wantsInputGradient ? dx.baseAddress : nil, wFlipped = wFlipped.baseAddress
                            chunks.run { worker, chunk, samples in
                                let first = buffers[worker][0], second = buffers[worker][1], pad = buffers[worker][2]
                                let dw = partials + chunk * slot, db = dw + patch * f
                                dw.update(repeating: 0, count: slot)
                                let rows = samples.count * rowsPerSample
                                let dyChunk = dy + samples.lowerBound * rowsPerSample * f
                                if full != nil {
                                    for sample in samples {
                                        g.rowExpand(x + sample * g.input.count, padded: pad, into: first)
                                        let dySample = dy + sample * rowsPerSample * f
                                        for ky in 0..<k {
                                            gemm(
                                                transposeA: true, transposeB: false, m: run, n: f, k: rowsPerSample,
                                                a: first + ky * g.outWidth * run, lda: run, b: dySample, ldb: f,
                                                beta: 1,
                                                c: dw + ky * run * f, ldc: f)
                                        }
                                    }
                                } else {
                                    g.im2col(
                                        x + samples.lowerBound * g.input.count, samples: samples.count, padded: pad,
                                        into: first)
                                    gemm(
                                        transposeA: true, transposeB: false, m: patch, n: f, k: rows, a: first,
                                        lda: patch,
                                        b: dyChunk, ldb: f, beta: 1, c: dw, ldc: f)
                                }
                                for r in 0..<rows {
                                    let row = dyChunk + r * f
                                    for j in 0..<f { db[j] += row[j] }
                                }
                                guard let dx else { return }
                                let dxChunk = dx + samples.lowerBound * g.input.count
                                if let full, let wFlipped {
                                    full.im2col(dyChunk, samples: samples.count, padded: pad, into: second)
                                    gemm(
                                        transposeA: false, transposeB: false, m: samples.count * full.outPixels, n: cin,
                                        k: full.patchSize, a: second, lda: full.patchSize, b: wFlipped, ldb: cin,
                                        beta: 0,
                                        c: dxChunk, ldc: cin)
                                } else {
                                    gemm(
                                        transposeA: false, transposeB: true, m: rows, n: patch, k: f, a: dyChunk,
                                        lda: f,
                                        b: w, ldb: f, beta: 0, c: second, ldc: patch)
                                    g.col2im(second, samples: samples.count, into: dxChunk)
                                }
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

    /// Applies `activation` itself (for the activation layer that follows, which then hands
    /// values on unchanged); returns whether it can (only the direct kernels do this).
    func fuseActivation(_ activation: Activation) -> Bool {
        guard allowsDirectConvolution, let g = geometry, DirectConvolution.suits(g, filters: filters) else {
            return false
        }
        fusedActivation = activation
        return true
    }

    /// dy ⊙ f'(y) for one image into `scratch`, when an activation is fused; else dy itself.
    private func activationGradient(
        _ dy: UnsafePointer<Float>, output: UnsafePointer<Float>?, count: Int, scratch: UnsafeMutablePointer<Float>
    ) -> UnsafePointer<Float> {
        guard fusedActivation != .linear, let output else { return dy }
        fusedActivation.derivativeProduct(dy, output: output, into: scratch, count: count)
        return UnsafePointer(scratch)
    }

    /// The output cached for a fused activation's derivative, checked against the gradient.
    private func fusedOutput(for gradient: Tensor) throws -> Tensor? {
        guard fusedActivation != .linear else { return nil }
        guard cachedOutput.shape == gradient.shape else {
            throw ShapeError(
                "\(description) produced \(Tensor.describe(cachedOutput.shape)) but its gradient is \(Tensor.describe(gradient.shape))"
            )
        }
        return cachedOutput
    }

    /// Takes the small image of an `upsample factor` layer just before this one and computes
    /// both at once; returns whether it can (a stride-1 "same" convolution with few channels).
    func fuseUpsampling(factor: Int) -> Bool {
        guard allowsDirectConvolution, let g = geometry,
            let fused = UpsampledConvolution(factor: factor, convolution: g, filters: filters)
        else { return false }
        upsampledInput = fused
        return true
    }

    /// forward on the small image by UpsampledConvolution (its phase kernels kept for backward).
    private func upsampledForward(_ input: Tensor, fused: UpsampledConvolution, geometry g: ConvGeometry) -> Tensor {
        phaseWeights = fused.phaseWeights(weight.value.data)
        let phaseBias = (0..<(fused.factor * fused.factor)).flatMap { _ in bias.value.data }
        let output = planarForward(fused, input, weights: phaseWeights, bias: phaseBias)
        return Tensor(shape: [input.batch, g.outHeight, g.outWidth, filters], data: output)
    }

    /// backward to the small image; the phase kernels' gradient is folded back onto the kernel's taps.
    private func upsampledBackward(_ input: Tensor, outputGradient: Tensor, fused: UpsampledConvolution) throws
        -> Tensor
    {
        let (sums, inputGradient) = try planarBackward(
            fused, input, outputGradient: outputGradient, flipped: fused.flippedPhaseWeights(phaseWeights))
        let phaseCount = fused.gradientCount
        weight.grad.data.withUnsafeMutableBufferPointer { dw in
            sums.withUnsafeBufferPointer { fused.addKernelGradient($0.baseAddress!, into: dw.baseAddress!) }
        }
        for j in 0..<filters { bias.grad.data[j] += sums[phaseCount + j] }
        return inputGradient.map { Tensor(shape: [input.batch] + fused.input.dimensions, data: $0) }
            ?? Tensor(zeros: [0])
    }

    /// forward by DirectConvolution.
    private func directForward(_ input: Tensor, geometry g: ConvGeometry) -> [Float] {
        planarForward(
            DirectConvolution(geometry: g, filters: filters), input, weights: weight.value.data, bias: bias.value.data)
    }

    /// backward by DirectConvolution.
    private func directBackward(_ input: Tensor, outputGradient: Tensor, geometry g: ConvGeometry) throws -> Tensor {
        var (sums, inputGradient) = try planarBackward(
            DirectConvolution(geometry: g, filters: filters), input, outputGradient: outputGradient,
            flipped: flippedKernel())
        // The sums are one slot of kernel then bias gradient, as the im2col path's chunks are.
        let slot = sums.count
        sums.withUnsafeMutableBufferPointer {
            addPartials($0.baseAddress!, slot: slot, chunks: 1, into: weight, bias)
        }
        return inputGradient.map { Tensor(shape: input.shape, data: $0) } ?? Tensor(zeros: [0])
    }

    /// Runs `conv` over every image of `input`, a few images per chunk on the compute team,
    /// applying the fused activation to each output as it is written.
    private func planarForward<C: PlanarConvolution>(_ conv: C, _ input: Tensor, weights: [Float], bias: [Float])
        -> [Float]
    {
        let n = input.batch, inCount = conv.inputCount, outCount = conv.outputCount
        var output = uninitializedFloats(n * outCount)
        let chunks = BatchChunks(samples: n, floatsPerSample: BatchChunks.targetFloats / 8)
        let buffers = scratch.reserve(workers: chunks.workers, sizes: conv.forwardScratch)
        let activation = fusedActivation
        input.data.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                weights.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        let x = x.baseAddress!, y = y.baseAddress!, w = w.baseAddress!, b = b.baseAddress!
                        chunks.run { worker, _, samples in
                            for sample in samples {
                                let ySample = y + sample * outCount
                                conv.forward(
                                    x + sample * inCount, weights: w, bias: b, scratch: buffers[worker], into: ySample)
                                activation.applyRows(ySample, rows: 1, width: outCount, bias: nil)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// The backward of `conv` over every image: returns the gradient of its weights followed by
    /// db (per-chunk partial sums added in chunk order, so they do not depend on which thread
    /// ran which chunk), and dx unless the input gradient is skipped.
    private func planarBackward<C: PlanarConvolution>(
        _ conv: C, _ input: Tensor, outputGradient: Tensor, flipped: [Float]
    ) throws -> (sums: [Float], inputGradient: [Float]?) {
        let activated = try fusedOutput(for: outputGradient)
        let n = input.batch, inCount = conv.inputCount, outCount = conv.outputCount
        let wantsInputGradient = computesInputGradient
        var inputGradient = uninitializedFloats(wantsInputGradient ? n * inCount : 0)
        let zeros = [Float](repeating: 0, count: inCount)
        let chunks = BatchChunks(samples: n, floatsPerSample: BatchChunks.targetFloats / 8)
        // One more buffer per worker for dy ⊙ f'(y) of a fused activation.
        let buffers = scratch.reserve(workers: chunks.workers, sizes: conv.backwardScratch + [outCount])
        let activationScratch = conv.backwardScratch.count
        let slot = conv.gradientCount + filters
        let partials = partialSums.reserve(workers: 1, sizes: [chunks.chunkCount * slot])[0][0]
        (activated ?? Tensor(zeros: [0])).data.withUnsafeBufferPointer { activatedOutput in
            let y = activated == nil ? nil : activatedOutput.baseAddress
            input.data.withUnsafeBufferPointer { x in
                outputGradient.data.withUnsafeBufferPointer { dy in
                    inputGradient.withUnsafeMutableBufferPointer { dx in
                        flipped.withUnsafeBufferPointer { wFlipped in
                            zeros.withUnsafeBufferPointer { zeros in
                                let x = x.baseAddress!, dy = dy.baseAddress!, wFlipped = wFlipped.baseAddress!
                                let zeros = zeros.baseAddress!
                                // An empty array may still have a base address (the shared empty storage): ask the flag.
                                let dx = wantsInputGradient ? dx.baseAddress : nil
                                chunks.run { worker, chunk, samples in
                                    let sums = partials + chunk * slot
                                    sums.update(repeating: 0, count: slot)
                                    for sample in samples {
                                        let gradient = activationGradient(
                                            dy + sample * outCount, output: y.map { $0 + sample * outCount },
                                            count: outCount, scratch: buffers[worker][activationScratch])
                                        conv.backward(
                                            x + sample * inCount, outputGradient: gradient, flipped: wFlipped,
                                            zeros: zeros, scratch: buffers[worker], db: sums + conv.gradientCount,
                                            dx: dx.map { $0 + sample * inCount },
                                            startsGradient: sample == samples.lowerBound)
                                    }
                                    // The first sample stored the lanes; a chunk with none has none to add.
                                    if !samples.isEmpty { conv.sumGradient(scratch: buffers[worker], into: sums) }
                                }
                            }
                        }
                    }
                }
            }
        }
        var total = [Float](repeating: 0, count: slot)
        for chunk in 0..<chunks.chunkCount {
            for i in 0..<slot { total[i] += partials[chunk * slot + i] }
        }
        return (total, wantsInputGradient ? inputGradient : nil)
    }

    /// The kernel turned half a circle with its channel roles swapped: flip[ky][kx][f][c] =
    /// W[k-1-ky][k-1-kx][c][f], the (k*k*filters x cin) matrix of the input-gradient convolution.
    private func flippedKernel() -> [Float] {
        let w = weight.value.data, k = kernel, f = filters, cin = weight.value.shape[2]
        var flipped = uninitializedFloats(w.count)
        for ky in 0..<k {
            for kx in 0..<k {
                let from = ((k - 1 - ky) * k + (k - 1 - kx)) * cin * f, to = (ky * k + kx) * f * cin
                for c in 0..<cin {
                    for j in 0..<f { flipped[to + j * cin + c] = w[from + c * f + j] }
                }
            }
        }
        return flipped
    }
}

/// Adds per-chunk partial gradients (slots of `slot` floats: the kernel's, then the bias's)
/// into the parameters' gradients, in chunk order.
func addPartials(
    _ partials: UnsafeMutablePointer<Float>, slot: Int, chunks: Int, into weight: Parameter, _ bias: Parameter
) {
    let weightCount = weight.grad.count
    weight.grad.data.withUnsafeMutableBufferPointer { dw in
        bias.grad.data.withUnsafeMutableBufferPointer { db in
            for chunk in 0..<chunks {
                let partial = partials + chunk * slot
                for i in 0..<weightCount { dw[i] += partial[i] }
                for j in 0..<db.count { db[j] += partial[weightCount + j] }
            }
        }
    }
}

/// `conv 8 kernel 5 stride 2 padding valid relu`: a convolution and its activation after it.
public struct ConvLine: ConvolutionLine {
    public static let keyword = "conv"

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
        Conv2D(filters: filters, kernel: kernel, stride: stride, padding: padding)
    }
}

extension LayerSpec {
    public static func conv(filters: Int, kernel: Int, stride: Int, padding: Padding, activation: Activation)
        -> LayerSpec
    {
        LayerSpec(ConvLine(filters: filters, kernel: kernel, stride: stride, padding: padding, activation: activation))
    }
}
