/// Looking inside a model without training it: what `why` measures.
extension Autoencoder {
    /// Most samples one inspection takes: layer outputs are all kept at once.
    public static let inspectionLimit = 1000

    /// Every layer's output for `inputs`, in evaluation mode, in the order of `layers`:
    /// inputs (B, inputShape...) -> [(B, layerOutputShapes[i]...)]. A convolution that applies the
    /// activation after it already gives the activated values, which that activation passes on.
    public func layerOutputs(_ inputs: Tensor) throws -> [Tensor] {
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
        return outputs
    }

    /// A VAE's code distribution for `inputs`: inputs (B, inputShape...) -> μ, log σ² (B, latentSize)
    /// each; nil for a model whose latent is not Gaussian.
    public func codeMoments(_ inputs: Tensor) throws -> (mean: Tensor, logVariance: Tensor)? {
        guard let latent = layers[encoderEnd..<latentEnd].first(where: { $0 is GaussianLatent }) as? GaussianLatent
        else { return nil }
        let x = try conformingInput(inputs)
        guard x.batch <= Self.inspectionLimit else {
            throw ShapeError("inspect at most \(Self.inspectionLimit) samples at once, not \(x.batch)")
        }
        _ = try run(x, layers: 0..<latentEnd)
        return latent.lastMeanAndLogVariance
    }
}
