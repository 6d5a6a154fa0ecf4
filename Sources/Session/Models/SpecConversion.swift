import Language
import Neural

/// The language's layer syntax turned into the engine's specs.
enum SpecConversion {
    static func spec(_ layer: LayerSyntax) -> LayerSpec {
        switch layer.kind {
        case .dense(let units, let a, let dropout):
            return .dense(units: units, activation: a ?? .linear, dropout: dropout.map { Float($0) })
        case .latent(let units, let a, let gaussian, let sparsity):
            let s: Neural.Sparsity
            switch sparsity {
            case nil: s = .none
            case .l1(let w): s = .l1(weight: Float(w))
            case .kl(let target, let w): s = .kl(rho: Float(target), weight: Float(w))
            }
            return .latent(units: units, activation: a ?? .linear, kind: gaussian ? .gaussian : .plain, sparsity: s)
        case .conv(let f, let k, let st, let p, let a):
            return .conv(filters: f, kernel: k, stride: st, padding: p, activation: a ?? .linear)
        case .deconv(let f, let k, let st, let p, let a):
            return .deconv(filters: f, kernel: k, stride: st, padding: p, activation: a ?? .linear)
        case .pool(let kind, let size): return .pool(kind: kind, size: size)
        case .upsample(let factor): return .upsample(factor: factor)
        case .flatten: return .flatten
        case .reshape(let dims): return .reshape(shape: dims)
        case .dropout(let rate): return .dropout(rate: Float(rate))
        }
    }
}
