/// Looking inside a model without training it: what `why` measures.
extension Autoencoder {
    /// Most samples one inspection takes: layer outputs are all kept at once.
    public static let inspectionLimit = 1000

    /// One evaluation-mode pass, with everything kept that the pass computed.
    public struct Inspection {
        /// Every layer's output, in the order of `layers`: (B, layerOutputShapes[i]...). A
        /// convolution that applies the activation after it already gives the activated values,
        /// which that activation passes on.
        public var layerOutputs: [Tensor]
        /// The codes (B, latentSize), as `encode` gives them.
        public var code: Tensor
        /// A VAE's μ and log σ² (B, latentSize each); nil for a latent that is not Gaussian.
        public var codeMoments: (mean: Tensor, logVariance: Tensor)?
    }

    /// inputs (B, inputShape...) -> every layer's output, the codes, and a VAE's code moments,
    /// from one pass.
    public func inspect(_ inputs: Tensor) throws -> Inspection {
        let x = try conformingInput(inputs)
        guard x.batch <= Self.inspectionLimit else {
            throw ShapeError("inspect at most \(Self.inspectionLimit) samples at once, not \(x.batch)")
        }
        let context = ForwardContext(training: false, rng: trainingRNG)
        var outputs: [Tensor] = []
        var y = x
        for layer in layers {
            y = try layer.forward(y, context: context)
            outputs.append(y)
        }
        // The Gaussian latent keeps this pass's μ and log σ² until its next forward.
        let gaussian = layers[encoderEnd..<latentEnd].lazy.compactMap { $0 as? GaussianLatent }.first
        return Inspection(
            layerOutputs: outputs, code: outputs[latentEnd - 1], codeMoments: gaussian?.lastMeanAndLogVariance)
    }
}
