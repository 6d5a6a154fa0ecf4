/// Turns one `LayerSpec` into the layers that carry it out (a dense line with dropout becomes
/// two layers; a sparse latent becomes a dense layer and a penalty).
public enum LayerFactory {
    public static func layers(for spec: LayerSpec) throws -> [Layer] {
        switch spec {
        case .dense(let units, let activation, let dropout):
            let dense = Dense(units: units, activation: activation)
            if let dropout, dropout > 0 { return [dense, Dropout(rate: dropout)] }
            return [dense]
        case .latent(let units, let activation, let kind, let sparsity):
            var layers: [Layer]
            switch kind {
            case .plain:
                layers = [Dense(units: units, activation: activation)]
            case .gaussian:
                guard activation == .linear else {
                    throw ModelError(
                        "a gaussian latent's mean and log-variance are linear; drop the activation \(activation.rawValue)"
                    )
                }
                layers = [GaussianLatent(units: units)]
            }
            if sparsity != .none { layers.append(SparsityPenalty(sparsity)) }
            return layers
        case .dropout(let rate):
            return [Dropout(rate: rate)]
        case .activation(let activation):
            return [ActivationLayer(activation)]
        case .conv(let filters, let kernel, let stride, let padding, let activation):
            return withActivation(
                Conv2D(filters: filters, kernel: kernel, stride: stride, padding: padding), activation)
        case .deconv(let filters, let kernel, let stride, let padding, let activation):
            return withActivation(
                ConvTranspose2D(filters: filters, kernel: kernel, stride: stride, padding: padding), activation)
        case .pool(let kind, let size):
            return [Pool2D(kind: kind, size: size)]
        case .upsample(let factor):
            return [Upsample2D(factor: factor)]
        case .flatten:
            return [Flatten()]
        case .reshape(let shape):
            return [Reshape(shape)]
        }
    }

    /// A convolution followed by its activation as a layer of its own (none when linear).
    private static func withActivation(_ layer: Layer, _ activation: Activation) -> [Layer] {
        activation == .linear ? [layer] : [layer, ActivationLayer(activation)]
    }
}
