// Padding (`same` keeps the spatial size at stride 1, `valid` uses only positions where the
// kernel fits) and PoolKind are Terms' words.

/// A plain latent is a dense layer; a Gaussian one is a VAE's sampling layer.
public enum LatentKind: String, Codable, Sendable, CaseIterable {
    case plain, gaussian
}

/// One line of a model definition, as the lesson language describes it. A model is a list of
/// these with exactly one `latent`: the layers above it form the encoder, those below the decoder.
public enum LayerSpec: Codable, Equatable, Sendable {
    /// `conv 4 kernel 5 relu`: filters, square kernel, stride, padding, activation.
    case conv(filters: Int, kernel: Int, stride: Int, padding: Padding, activation: Activation)
    /// `deconv 8 kernel 3 stride 2 relu`: a transposed convolution.
    case deconv(filters: Int, kernel: Int, stride: Int, padding: Padding, activation: Activation)
    /// `pool max 2`.
    case pool(kind: PoolKind, size: Int)
    /// `upsample 2`: nearest-neighbour.
    case upsample(factor: Int)
    case flatten
    /// `reshape 7 7 16`: a per-sample shape.
    case reshape(shape: [Int])
    /// `dense 512 relu dropout 0.2`: the dropout, if any, follows the layer.
    case dense(units: Int, activation: Activation, dropout: Float?)
    /// `latent 16 tanh`, `latent 20 gaussian`, `latent 64 relu sparse 1e-5`.
    case latent(units: Int, activation: Activation, kind: LatentKind, sparsity: Sparsity)
    case dropout(rate: Float)
    /// An activation on its own line.
    case activation(Activation)

    /// Whether this is the model's latent line.
    public var isLatent: Bool {
        if case .latent = self { return true }
        return false
    }

    /// The spec as the lesson language writes it, e.g. "dense 250 relu dropout 0.2".
    public var text: String {
        func activationSuffix(_ a: Activation) -> String { a == .linear ? "" : " \(a.rawValue)" }
        switch self {
        case .conv(let f, let k, let s, let p, let a):
            return "conv \(f) kernel \(k)" + (s == 1 ? "" : " stride \(s)") + (p == .same ? "" : " padding valid")
                + activationSuffix(a)
        case .deconv(let f, let k, let s, let p, let a):
            return "deconv \(f) kernel \(k)" + (s == 1 ? "" : " stride \(s)") + (p == .same ? "" : " padding valid")
                + activationSuffix(a)
        case .pool(let kind, let size): return "pool \(kind.rawValue) \(size)"
        case .upsample(let factor): return "upsample \(factor)"
        case .flatten: return "flatten"
        case .reshape(let shape): return "reshape " + shape.map(String.init).joined(separator: " ")
        case .dense(let units, let a, let dropout):
            return "dense \(units)" + activationSuffix(a) + (dropout.map { " dropout \($0)" } ?? "")
        case .latent(let units, let a, let kind, let sparsity):
            var text = "latent \(units)" + activationSuffix(a) + (kind == .gaussian ? " gaussian" : "")
            switch sparsity {
            case .none: break
            case .l1(let weight): text += " sparse \(weight)"
            case .kl(let rho, let weight): text += " sparse kl \(rho) weight \(weight)"
            }
            return text
        case .dropout(let rate): return "dropout \(rate)"
        case .activation(let a): return a.rawValue
        }
    }
}
