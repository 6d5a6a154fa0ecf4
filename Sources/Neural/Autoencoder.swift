import Support

/// An autoencoder: encoder layers, one latent, decoder layers, built for a per-sample input
/// shape such as [28, 28, 1]. Dense layers flatten their input implicitly, and the decoder's
/// output is reshaped back to the input shape (their sizes must match).
///
/// The model owns everything training needs to pause and go on: its parameters, the
/// optimizer's state, the generator for shuffles/dropout/noise, and the loss history.
public final class Autoencoder {
    public let specs: [LayerSpec]
    /// Per-sample input shape, e.g. [28, 28, 1].
    public let inputShape: [Int]
    public let initializer: Initializer
    public let seed: UInt64
    /// Every layer in order: encoder, latent (one or two layers), decoder.
    public let layers: [Layer]
    /// Per-sample output shape of each layer in `layers`.
    public let layerOutputShapes: [[Int]]
    /// The index in `specs` of the spec each layer in `layers` carries out.
    public let layerSpecIndices: [Int]
    /// Width of the code the encoder produces.
    public let latentSize: Int
    /// Whether the latent is Gaussian (a VAE): loss per image, sampling while training.
    public let isVariational: Bool

    /// One record per epoch (or part of an epoch) trained, in order.
    public internal(set) var history: [EpochRecord] = []
    /// Complete passes over a training set so far.
    public internal(set) var epochsTrained = 0
    /// Mini-batches (optimizer steps) so far.
    public internal(set) var stepsTrained = 0
    /// The optimizer's buffers; nil until the first training step.
    public internal(set) var optimizerState: OptimizerState?
    /// Shuffles, dropout masks, VAE sampling and input noise draw from here.
    var trainingRNG: SeededGenerator

    /// layers[..<encoderEnd] encode, layers[encoderEnd..<latentEnd] are the latent.
    let encoderEnd: Int
    let latentEnd: Int

    /// Builds and initialises the model for samples of `inputShape`.
    /// Throws `ModelError` for a definition without exactly one latent or with a layer this
    /// build lacks, and `ShapeError` when a layer does not fit or the output size differs.
    public init(
        specs: [LayerSpec], inputShape: [Int], initializer: Initializer = .glorotUniform, seed: UInt64 = 0
    ) throws {
        let latentCount = specs.filter(\.isLatent).count
        guard latentCount == 1 else {
            throw ModelError(
                latentCount == 0
                    ? "a model needs a latent line (the bottleneck between encoder and decoder); this one has none"
                    : "a model needs exactly one latent line; this one has \(latentCount)")
        }
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw ShapeError("an input shape needs positive sizes, not \(inputShape)")
        }
        // Every spec's layers are made before any is built, so that a layer this build lacks is
        // reported before a shape that does not fit.
        let made = try specs.map { try $0.makeLayers() }
        let rng = SeededGenerator(seed: seed)
        var walk = LayerWalk(inputShape: inputShape)
        for (spec, specLayers) in made.enumerated() {
            for layer in specLayers {
                let index = walk.layers.count, input = walk.shape
                do {
                    try walk.pass(layer, spec: spec)
                    try layer.build(inputShape: input, initializer: initializer, rng: rng)
                } catch let error as ShapeError {
                    throw ShapeError("layer \(index + 1) (\(layer.description)): \(error.message)")
                }
            }
        }
        if let mismatch = walk.outputMismatch { throw ShapeError(mismatch) }
        let layers = walk.layers
        // The latent is the layers its line made (a sparse latent's penalty included).
        let latentSpec = specs.firstIndex(where: \.isLatent)!
        let encoderEnd = walk.specIndices.firstIndex(of: latentSpec)!
        let latentEnd = walk.specIndices.lastIndex(of: latentSpec)! + 1
        let latentSize = specs[latentSpec].declaration.codeSize ?? 0
        (layers.first as? InputGradientSkippingLayer)?.computesInputGradient = false
        if Autoencoder.fusesLayers { Autoencoder.fuseAdjacentLayers(layers) }

        self.specs = specs
        self.inputShape = inputShape
        self.initializer = initializer
        self.seed = seed
        self.layers = layers
        self.layerOutputShapes = walk.outputShapes
        self.layerSpecIndices = walk.specIndices
        self.latentSize = latentSize
        self.isVariational = layers[encoderEnd..<latentEnd].contains { $0 is GaussianLatent }
        self.encoderEnd = encoderEnd
        self.latentEnd = latentEnd
        // A generator of its own, so training draws do not depend on how many weights were drawn.
        self.trainingRNG = SeededGenerator(seed: seed ^ 0x7472_6169_6E69_6E67)
    }

    /// Whether new models fuse adjacent layers (tests turn it off to compare with the layers run apart).
    nonisolated(unsafe) static var fusesLayers = true

    /// Lets "upsample, conv" pairs in `layers` (built) run as one convolution of the small image
    /// (UpsampledConvolution), and a convolution apply the activation layer after it as it writes
    /// its output. The layers stay as they are for summaries and saving. The model's last layer
    /// is left alone: it may be asked for logits (bce).
    public static func fuseAdjacentLayers(_ layers: [Layer]) {
        for (index, (first, second)) in zip(layers, layers.dropFirst()).enumerated() {
            if let upsample = first as? Upsample2D, let conv = second as? Conv2D,
                conv.fuseUpsampling(factor: upsample.factor)
            {
                upsample.passesThrough = true
            }
            if let conv = first as? Conv2D, let activation = second as? ActivationLayer, index + 2 < layers.count,
                activation.activation != .linear, conv.fuseActivation(activation.activation)
            {
                activation.passesThrough = true
            }
        }
    }

    /// Every trainable parameter, in a fixed order (the optimizer's state follows it).
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// Every buffer (state saved but not trained, such as running statistics), in layer order.
    public var buffers: [Buffer] { layers.flatMap(\.buffers) }

    /// Number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// How the reported loss is reduced: per pixel, or per image for a VAE.
    public var lossReduction: LossReduction { isVariational ? .sumPerSample : .meanPerElement }

    /// Codes for `inputs` (batch, inputShape...): (batch, latentSize). Evaluation mode: no
    /// dropout, and a VAE returns its mean.
    public func encode(_ inputs: Tensor, stop: ShouldStop = neverStop) throws -> Tensor {
        let x = try conformingInput(inputs)
        return try inBatches(x, outputSample: [latentSize], stop: stop) { try self.run($0, layers: 0..<self.latentEnd) }
    }

    /// Outputs for `codes` (batch, latentSize): (batch, inputShape...).
    public func decode(_ codes: Tensor, stop: ShouldStop = neverStop) throws -> Tensor {
        guard codes.shape.count >= 2, codes.sampleSize == latentSize else {
            throw ShapeError(
                "the decoder takes codes of \(latentSize) values but got \(Tensor.describe(Array(codes.shape.dropFirst())))"
            )
        }
        return try inBatches(codes, outputSample: inputShape, stop: stop) {
            try self.run($0, layers: self.latentEnd..<self.layers.count).reshapedSamples(self.inputShape)
        }
    }

    /// Inputs passed through encoder and decoder in evaluation mode: (batch, inputShape...).
    public func reconstruct(_ inputs: Tensor, stop: ShouldStop = neverStop) throws -> Tensor {
        let x = try conformingInput(inputs)
        return try inBatches(x, outputSample: inputShape, stop: stop) {
            try self.run($0, layers: 0..<self.layers.count).reshapedSamples(self.inputShape)
        }
    }

    /// Throws `conformingInput`'s error when `set`'s samples do not fit the model.
    func checkConforming(_ set: any SampleSet) throws {
        _ = try conformingInput(Tensor(shape: [0] + set.sampleShape, data: []))
    }

    /// `inputs` checked against the input shape; a flat (batch, 784) is accepted for 28x28x1.
    func conformingInput(_ inputs: Tensor) throws -> Tensor {
        let expected = inputShape.reduce(1, *)
        guard inputs.shape.count >= 2, inputs.sampleSize == expected else {
            throw ShapeError(
                "the model takes samples of \(expected) values (\(Tensor.describe(inputShape))) but got \(Tensor.describe(Array(inputs.shape.dropFirst()))) (\(inputs.shape.count >= 2 ? inputs.sampleSize : 0) values)"
            )
        }
        return inputs.sampleShape == inputShape ? inputs : try inputs.reshapedSamples(inputShape)
    }

    /// Forward through `layers[range]` in evaluation mode, each layer on its plain path or, given
    /// a `plan` (the test loss), on its part of it.
    func run(_ x: Tensor, layers range: Range<Int>, samplesLatent: Bool = false, plan: TrainingPlan? = nil) throws
        -> Tensor
    {
        let context = ForwardContext(training: false, rng: trainingRNG)
        context.samplesLatent = samplesLatent
        var y = x
        for index in range {
            y = try layers[index].forward(y, context: context, following: plan?.layers[index] ?? .plain)
        }
        return y
    }

    /// Applies `body` to chunks of at most 1,000 samples (bounds the memory layers cache) and
    /// joins the results.
    /// `body` on chunks of 1,000 samples, asking `stop` before each (it throws `Interrupted`).
    func inBatches(_ x: Tensor, outputSample: [Int], stop: ShouldStop, _ body: (Tensor) throws -> Tensor) throws
        -> Tensor
    {
        let chunk = 1000
        if x.batch == 0 { return Tensor(zeros: [0] + outputSample) }
        if x.batch <= chunk { return try body(x) }
        var data: [Float] = []
        data.reserveCapacity(x.batch * outputSample.reduce(1, *))
        for start in stride(from: 0, to: x.batch, by: chunk) {
            if stop() { throw Interrupted() }
            data += try body(x.samples(start..<min(start + chunk, x.batch))).data
        }
        return Tensor(shape: [x.batch] + outputSample, data: data)
    }
}
