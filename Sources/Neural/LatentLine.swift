/// A plain latent is a dense layer; a Gaussian one is a VAE's sampling layer.
public enum LatentKind: String, Codable, Sendable, CaseIterable {
    case plain, gaussian
}

/// `latent 16 tanh`, `latent 20 gaussian`, `latent 64 relu sparse 1e-5`,
/// `latent 64 sigmoid sparse kl 0.05 weight 2`: the model's bottleneck, the one line between
/// encoder and decoder. A plain latent is a dense layer (GaussianLatentLayer.swift has the VAE's),
/// and a sparsity penalty follows it when one is asked for (SparsityPenaltyLayer.swift).
public struct LatentLine: LayerDeclaration {
    public static let keyword = "latent"
    public static let grammar: LayerGrammar? = LayerGrammar(
        keyword, arguments: [LayerArgument("units", .size("the size of the code"))],
        options: [
            LayerOption("gaussian"),
            LayerOption(
                "sparse",
                .forms(
                    [
                        ValueForm(
                            "kl",
                            [
                                ValuePart(.number("the target rate", .fraction)),
                                ValuePart("weight", .number("the weight", .nonNegative), default: .number(1)),
                            ])
                    ], otherwise: .number("the L1 weight (e.g. 1e-5) or kl", .nonNegative))),
        ], takesActivation: true, isLatent: true,
        conflicts: [
            LayerConflict(
                ["gaussian", LayerLine.activationSlot], message: "a gaussian latent takes no activation",
                expected: "latent N gaussian (the mean and log-variance are linear)")
        ])

    public var units: Int
    public var activation: Activation
    public var kind: LatentKind
    public var sparsity: Sparsity

    public init(units: Int, activation: Activation, kind: LatentKind, sparsity: Sparsity) {
        self.units = units
        self.activation = activation
        self.kind = kind
        self.sparsity = sparsity
    }

    public init(line: LayerLine) throws {
        let sparsity: Sparsity
        switch line["sparse"] {
        case nil: sparsity = .none
        case .number(let weight)?: sparsity = .l1(weight: Float(weight))
        case .form("kl", let parts)? where parts.count == 2:
            guard case .number(let rho) = parts[0], case .number(let weight) = parts[1] else { fallthrough }
            sparsity = .kl(rho: Float(rho), weight: Float(weight))
        default: throw LayerLineError(slot: "sparse", "latent cannot read its sparsity")
        }
        self.init(
            units: try line.integer("units"), activation: line.activation ?? .linear,
            kind: line.has("gaussian") ? .gaussian : .plain, sparsity: sparsity)
    }

    public var text: String {
        var text = "latent \(units)" + LayerText.activationSuffix(activation) + (kind == .gaussian ? " gaussian" : "")
        switch sparsity {
        case .none: break
        case .l1(let weight): text += " sparse \(weight)"
        case .kl(let rho, let weight): text += " sparse kl \(rho) weight \(weight)"
        }
        return text
    }

    public func makeLayers() throws -> [Layer] {
        var layers: [Layer]
        switch kind {
        case .plain:
            layers = [Dense(units: units, activation: activation)]
        case .gaussian:
            guard activation == .linear else {
                throw ModelError(
                    "a gaussian latent's mean and log-variance are linear; drop the activation \(activation.rawValue)")
            }
            layers = [GaussianLatent(units: units)]
        }
        if sparsity != .none { layers.append(SparsityPenalty(sparsity)) }
        return layers
    }

    /// One affine map, or two for a Gaussian latent (its mean and its log-variance).
    public func parameterCount(input: [Int]) -> Int? {
        LayerCount.affine(fanIn: LayerCount.product(input), units: units, copies: kind == .gaussian ? 2 : 1)
    }

    public var codeSize: Int? { units }
    public var outputActivation: Activation { activation }
}

extension LayerSpec {
    public static func latent(units: Int, activation: Activation, kind: LatentKind, sparsity: Sparsity) -> LayerSpec {
        LayerSpec(LatentLine(units: units, activation: activation, kind: kind, sparsity: sparsity))
    }
}
