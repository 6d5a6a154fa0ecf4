/// The statements that answer with pictures. They parse here in full; the session hands each to
/// its own handler.
public enum PictureStatement: Sendable, Equatable {
    /// `show data.test[0:16]`
    case show(data: Reference)
    /// `reconstruct ae data.test[0:10]`
    case reconstruct(model: Identifier, data: Reference)
    /// `generate ae 36` / `generate ae 36 normal 0 0.33`
    case generate(model: Identifier, count: Located<Int>, normal: (mean: Double, std: Double)?)
    /// `interpolate ae data.test[0] data.test[1] steps 10`
    case interpolate(model: Identifier, from: Reference, to: Reference, steps: Int)
    /// `histogram ae data.train dims 0:4`
    case histogram(model: Identifier, data: Reference, dims: Range<Int>?)
    /// `embed ae data.train[0:3000] kernelpca 2` / `embed data.test[0:2000] tsne perplexity 50`
    case embed(model: Identifier?, data: Reference, method: EmbeddingMethod, dimensions: Int, options: EmbedOptions)
    /// `weights ae`
    case weights(model: Identifier)
    /// `traverse ae dim 0 from -2 to 2 steps 9`
    case traverse(model: Identifier, dim: Int, from: Double, to: Double, steps: Int, around: Reference?)
    /// `progress ae`
    case progress(model: Identifier)
    /// `plot ae` / `plot deep nodrop`
    case plot(models: [Identifier])

    public var keyword: String {
        switch self {
        case .show: return "show"
        case .reconstruct: return "reconstruct"
        case .generate: return "generate"
        case .interpolate: return "interpolate"
        case .histogram: return "histogram"
        case .embed: return "embed"
        case .weights: return "weights"
        case .traverse: return "traverse"
        case .progress: return "progress"
        case .plot: return "plot"
        }
    }

    public static func == (a: PictureStatement, b: PictureStatement) -> Bool {
        switch (a, b) {
        case (.show(let x), .show(let y)): return x == y
        case (.reconstruct(let m1, let d1), .reconstruct(let m2, let d2)): return m1 == m2 && d1 == d2
        case (.generate(let m1, let c1, let n1), .generate(let m2, let c2, let n2)):
            return m1 == m2 && c1 == c2 && n1?.mean == n2?.mean && n1?.std == n2?.std
        case (.interpolate(let m1, let f1, let t1, let s1), .interpolate(let m2, let f2, let t2, let s2)):
            return m1 == m2 && f1 == f2 && t1 == t2 && s1 == s2
        case (.histogram(let m1, let d1, let r1), .histogram(let m2, let d2, let r2)):
            return m1 == m2 && d1 == d2 && r1 == r2
        case (.embed(let m1, let d1, let e1, let n1, let o1), .embed(let m2, let d2, let e2, let n2, let o2)):
            return m1 == m2 && d1 == d2 && e1 == e2 && n1 == n2 && o1 == o2
        case (.weights(let x), .weights(let y)), (.progress(let x), .progress(let y)): return x == y
        case (
            .traverse(let m1, let d1, let f1, let t1, let s1, let a1),
            .traverse(let m2, let d2, let f2, let t2, let s2, let a2)
        ):
            return m1 == m2 && d1 == d2 && f1 == f2 && t1 == t2 && s1 == s2 && a1 == a2
        case (.plot(let x), .plot(let y)): return x == y
        default: return false
        }
    }
}

public enum EmbeddingMethod: String, Sendable, Equatable, CaseIterable {
    case pca, kernelpca, tsne
}

/// Options after `embed ... METHOD [2|3]`: `perplexity P`, `iterations N` and `seed S` for t-SNE,
/// `kernel rbf|poly` and `gamma G` for KernelPCA. Unset options take the projection's defaults.
public struct EmbedOptions: Sendable, Equatable {
    public var perplexity: Located<Double>?
    public var iterations: Located<Int>?
    public var seed: Located<Int>?
    public var kernel: Located<EmbeddingKernel>?
    public var gamma: Located<Double>?

    public init() {}

    /// The options given, by name, for checking that they fit the projection.
    public var given: [(name: String, range: SourceRange)] {
        var out = [(String, SourceRange)]()
        if let perplexity { out.append(("perplexity", perplexity.range)) }
        if let iterations { out.append(("iterations", iterations.range)) }
        if let seed { out.append(("seed", seed.range)) }
        if let kernel { out.append(("kernel", kernel.range)) }
        if let gamma { out.append(("gamma", gamma.range)) }
        return out
    }
}

public enum EmbeddingKernel: String, Sendable, Equatable, CaseIterable {
    case rbf, poly
}
