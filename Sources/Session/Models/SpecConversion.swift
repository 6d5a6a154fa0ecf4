import Language
import Neural

/// The language's layer syntax turned into the engine's specs.
enum SpecConversion {
    static func activation(_ a: ActivationName?) -> Neural.Activation {
        switch a {
        case nil, .linear: return .linear
        case .relu: return .relu
        case .sigmoid: return .sigmoid
        case .tanh: return .tanh
        case .leakyrelu: return .leakyRelu
        case .elu: return .elu
        case .softplus: return .softplus
        }
    }

    static func initializer(_ i: InitializerName) -> Neural.Initializer {
        switch i {
        case .glorot: return .glorotUniform
        case .kaiming: return .kaimingNormal
        case .pytorch: return .pytorchDefault
        }
    }

    static func padding(_ p: PaddingName) -> Neural.Padding { p == .same ? .same : .valid }

    static func spec(_ layer: LayerSyntax) -> LayerSpec {
        switch layer.kind {
        case .dense(let units, let a, let dropout):
            return .dense(units: units, activation: activation(a), dropout: dropout.map { Float($0) })
        case .latent(let units, let a, let gaussian, let sparsity):
            let s: Neural.Sparsity
            switch sparsity {
            case nil: s = .none
            case .l1(let w): s = .l1(weight: Float(w))
            case .kl(let target, let w): s = .kl(rho: Float(target), weight: Float(w))
            }
            return .latent(units: units, activation: activation(a), kind: gaussian ? .gaussian : .plain, sparsity: s)
        case .conv(let f, let k, let st, let p, let a):
            return .conv(filters: f, kernel: k, stride: st, padding: padding(p), activation: activation(a))
        case .deconv(let f, let k, let st, let p, let a):
            return .deconv(filters: f, kernel: k, stride: st, padding: padding(p), activation: activation(a))
        case .pool(let kind, let size): return .pool(kind: kind == .max ? .max : .avg, size: size)
        case .upsample(let factor): return .upsample(factor: factor)
        case .flatten: return .flatten
        case .reshape(let dims): return .reshape(shape: dims)
        case .dropout(let rate): return .dropout(rate: Float(rate))
        }
    }

    static func loss(_ l: LossName) -> LossKind {
        switch l {
        case .mse: return .mse
        case .l1, .mae: return .l1
        case .bce: return .bce
        }
    }

    static func optimizer(_ o: OptimizerName) -> OptimizerKind {
        switch o {
        case .adam: return .adam()
        case .sgd: return .sgd()
        case .rmsprop: return .rmsprop()
        }
    }
}
