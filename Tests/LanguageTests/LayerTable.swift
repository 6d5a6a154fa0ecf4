import Neural

@testable import Language

// The parser reads layer lines by the grammars the engine's layer kinds declare (Neural's
// `LayerSpec.kinds`); the session hands it that table, and so do these tests. LayerGrammarTests
// parses with a table of its own.

extension Parser {
    /// A parser with the engine's layer kinds, as the session makes it.
    init(_ source: String, statements: StatementTable = .empty) {
        self.init(source, statements: statements, layers: LayerSpec.grammars)
    }

    static func completeness(of source: String, statements: StatementTable = .empty) -> SyntaxCompleteness {
        completeness(of: source, statements: statements, layers: LayerSpec.grammars)
    }
}

extension Vocabulary {
    static var layerKinds: [String] { LayerSpec.grammars.keywords }
}

/// A layer line as ParserTests compare it: the values of the kinds they look at, as the
/// language's syntax tree once held them; any other kind as its `LayerLine`.
enum LayerKind: Equatable {
    case dense(units: Int, activation: Activation?, dropout: Double?)
    case latent(units: Int, activation: Activation?, gaussian: Bool, sparsity: SparsitySyntax?)
    case conv(filters: Int, kernel: Int, stride: Int, padding: Padding, activation: Activation?)
    case deconv(filters: Int, kernel: Int, stride: Int, padding: Padding, activation: Activation?)
    case other(LayerLine)
}

enum SparsitySyntax: Equatable {
    case l1(weight: Double)
    case kl(target: Double, weight: Double)
}

extension LayerSyntax {
    var kind: LayerKind {
        let l = line
        func int(_ name: String) -> Int { (try? l.integer(name)) ?? -1 }
        func number(_ name: String) -> Double? { (try? l.number(name)) ?? nil }
        switch l.keyword {
        case "dense": return .dense(units: int("units"), activation: l.activation, dropout: number("dropout"))
        case "latent":
            var sparsity: SparsitySyntax?
            switch l["sparse"] {
            case .number(let w)?: sparsity = .l1(weight: w)
            case .form("kl", let parts)?:
                if case .number(let t) = parts[0], case .number(let w) = parts[1] {
                    sparsity = .kl(target: t, weight: w)
                }
            default: sparsity = nil
            }
            return .latent(
                units: int("units"), activation: l.activation, gaussian: l.has("gaussian"), sparsity: sparsity)
        case "conv", "deconv":
            let padding = (try? l.choice("padding", as: Padding.self)) ?? .same
            return l.keyword == "conv"
                ? .conv(
                    filters: int("filters"), kernel: int("kernel"), stride: int("stride"), padding: padding,
                    activation: l.activation)
                : .deconv(
                    filters: int("filters"), kernel: int("kernel"), stride: int("stride"), padding: padding,
                    activation: l.activation)
        default: return .other(l)
        }
    }
}
