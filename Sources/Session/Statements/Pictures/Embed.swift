import Language
import Pictures
import Support

/// `embed [MODEL] IMAGES [pca|kernelpca|tsne] [2|3] [OPTIONS]`: codings (or pixels) projected.
struct Embed: SessionStatement {
    static let keyword = "embed"
    static let model = Slot.model()
    static let images = Slot.data("IMAGES", "the images to embed")
    static let method = Slot<Located<EmbeddingMethod>>.choice("METHOD", "projection")
    static let dimensions = Slot.integer("D", "the number of dimensions", minimum: 2)
    static let perplexity = Option(
        "perplexity", .number("P", "the perplexity", .positive), meaning: "t-SNE: how many neighbours a point keeps",
        default: "30, at most (N - 1)/3")
    static let iterations = Option(
        "iterations", .integer("N", "the number of iterations", minimum: 1), meaning: "t-SNE: steps of the layout",
        default: "1000")
    static let seed = Option(
        "seed", .integer("S", "the seed", minimum: 0), meaning: "t-SNE: a random start drawn from S",
        default: "the PCA start")
    static let kernel = Option(
        "kernel", Slot<Located<EmbeddingKernel>>.choice("K", "kernel"), meaning: "KernelPCA: `rbf` or `poly`",
        default: "rbf")
    static let gamma = Option(
        "gamma", .number("G", "gamma", .positive), meaning: "KernelPCA: the kernel's width", default: "1/features")
    static let grammar = Grammar(
        parts: [model.optional, images, method.optional, dimensions.optional],
        options: [perplexity, iterations, seed, kernel, gamma])
    static let help = StatementHelp(
        .pictures,
        """
        projects the codings of the images to D dimensions (2 or 3; 2), coloured by label;
        without a MODEL it projects the pixels themselves. METHOD is `pca`, `kernelpca` or `tsne`
        (pca); each option below belongs to one of them. In a frontend that shows Jupyter widgets, \
        t-SNE gets a `perplexity` slider (5 to 50): let go, it runs t-SNE again with that \
        perplexity. See docs/pictures.md.
        """)

    let model: Identifier?
    let images: Reference
    let method: EmbeddingMethod
    let dimensions: Int
    let options: EmbedOptions

    static func parse(_ line: inout StatementReader) throws -> Embed {
        let optionWords = grammar.optionWords
        let methodWords = EmbeddingMethod.allCases.map(\.rawValue)
        let first = try line.reference("a model and images, or images, e.g. embed ae data.test[0:2000]")
        var model: Identifier?, data = first
        // A second reference follows the model, unless the next word is (nearly) a method or an option.
        if let t = line.peek, let w = t.word, EmbeddingMethod(rawValue: w) == nil,
            (methodWords + optionWords).allSatisfy({ Suggestion.distance($0, w) > 2 })
        {
            guard first.accessors.isEmpty else {
                throw Diagnostic(
                    "the model comes first, then the images", range: first.range,
                    expected: "embed MODEL IMAGES [pca|kernelpca|tsne] [2|3]")
            }
            model = first.base
            data = try line.read(images)
        }
        var method = EmbeddingMethod.pca, dimensions = 2
        if let w = line.peek?.word, EmbeddingMethod(rawValue: w.lowercased()) != nil || !optionWords.contains(w) {
            method = try line.read(self.method).value
        }
        if let t = line.peek, t.word == nil, !line.atEnd {
            let n = try line.read(self.dimensions)
            guard n.value <= 3 else {
                throw Diagnostic(
                    "embeddings are drawn in 2 or 3 dimensions, not \(n.value)", range: n.range, kind: .value,
                    expected: "2 or 3")
            }
            dimensions = n.value
        }
        let given = try readOptions(&line)
        return Embed(model: model, images: data, method: method, dimensions: dimensions, options: given)
    }

    /// The options, with a method word among them answered as out of place.
    private static func readOptions(_ line: inout StatementReader) throws -> EmbedOptions {
        var options = EmbedOptions()
        var given: OptionValues
        do {
            given = try line.readOptions()
        } catch let d as Diagnostic {
            if let t = line.peek, let w = t.word, EmbeddingMethod(rawValue: w) != nil {
                throw Diagnostic(
                    "the projection comes before the options", range: t.range,
                    expected: "embed [MODEL] IMAGES [pca|kernelpca|tsne] [2|3] [OPTIONS]")
            }
            throw d
        }
        options.perplexity = given[perplexity]
        options.iterations = given[iterations]
        options.seed = given[seed]
        options.kernel = given[kernel]
        options.gamma = given[gamma]
        return options
    }

    func run(_ context: StatementContext) throws -> MimeBundle? {
        try context.embed(model, images, method: method, dimensions: dimensions, options: options)
    }
}

enum EmbeddingMethod: String, Sendable, Equatable, CaseIterable {
    case pca, kernelpca, tsne
}

/// Options after `embed ... METHOD [2|3]`: `perplexity P`, `iterations N` and `seed S` for t-SNE,
/// `kernel rbf|poly` and `gamma G` for KernelPCA. Unset options take the projection's defaults.
struct EmbedOptions: Sendable, Equatable {
    var perplexity: Located<Double>?
    var iterations: Located<Int>?
    var seed: Located<Int>?
    var kernel: Located<EmbeddingKernel>?
    var gamma: Located<Double>?

    /// The options given, by name, for checking that they fit the projection.
    var given: [(name: String, range: SourceRange)] {
        var out = [(String, SourceRange)]()
        if let perplexity { out.append(("perplexity", perplexity.range)) }
        if let iterations { out.append(("iterations", iterations.range)) }
        if let seed { out.append(("seed", seed.range)) }
        if let kernel { out.append(("kernel", kernel.range)) }
        if let gamma { out.append(("gamma", gamma.range)) }
        return out
    }
}

enum EmbeddingKernel: String, Sendable, Equatable, CaseIterable {
    case rbf, poly
}

extension StatementContext {
    /// Most points each method takes: t-SNE and KernelPCA grow with N log N and N².
    static func embeddingLimit(_ method: EmbeddingMethod) -> Int {
        switch method {
        case .pca: return 60000
        case .kernelpca: return 5000
        case .tsne: return 10000
        }
    }

    /// `embed [MODEL] IMAGES [pca|kernelpca|tsne] [2|3] [OPTIONS]`: the codings (or the pixels,
    /// without a model) projected to 2-D, one colour per digit. Defaults: PCA; KernelPCA with
    /// `kernel rbf`, `gamma` 1/features (poly: degree 3, coef0 1); t-SNE with `perplexity` 30 (at
    /// most (N - 1)/3), `iterations` 1000, PCA start, `seed` the session's.
    fileprivate func embed(
        _ model: Identifier?, _ data: Reference, method: EmbeddingMethod, dimensions: Int, options: EmbedOptions
    ) throws -> MimeBundle? {
        let fitting: [EmbeddingMethod: Set<String>] = [
            .pca: [], .kernelpca: ["kernel", "gamma"], .tsne: ["perplexity", "iterations", "seed"],
        ]
        for option in options.given where !fitting[method]!.contains(option.name) {
            let owner = fitting.first { $0.value.contains(option.name) }!.key
            throw Diagnostic(
                "\(option.name) is an option of \(owner.rawValue), not of \(method.rawValue)", range: option.range,
                kind: .value, expected: "embed IMAGES \(owner.rawValue) \(option.name) ...")
        }
        var images = try pictureImages(data)
        let limit = Self.embeddingLimit(method)
        var note = ""
        if images.count > limit {
            note = ", the first \(limit) of \(images.count)"
            images = images.slice(0..<limit)
        }
        guard images.count >= 3 else {
            throw Diagnostic(
                "an embedding needs at least 3 images, not \(images.count)", range: data.range, kind: .value)
        }
        if method == .tsne && dimensions != 2 {
            throw Diagnostic(
                "t-SNE here draws 2 dimensions", range: range, kind: .value, expected: "embed ... tsne")
        }
        let points: [Float]
        let features: Int
        let what: String
        if let model {
            let entry = try lookUpModel(model)
            let network = try pictureNetwork(entry, for: images, named: sourceName(data), at: data.range)
            points = try codings(network, images, limit: images.count, at: data.range).codes
            features = network.latentSize
            what = "the \(features)-d codings of \(entry.name)"
        } else {
            points = images.pixels
            features = images.imageSize
            what = "the pixels"
        }
        let n = images.count
        let needed: Int
        switch method {
        case .pca: needed = n * features * 4 + features * features * 12  // a centred copy, the covariance
        case .kernelpca: needed = n * n * 12  // the kernel matrix, and the copy the eigensolver reads
        case .tsne: needed = n * 512 * 4 + n * 100 * 24  // a block of distances, the neighbours' affinities
        }
        try memory.check(
            needed, for: "\(method.rawValue) of \(grouped(n)) images", at: data.range,
            instead: "fewer images, e.g. \(sourceName(data))[0:\(max(3, n / 4))]")
        let perplexity = options.perplexity?.value ?? min(30, Double(n - 1) / 3)
        let interruption = self.interruption, seed = self.seed
        // t-SNE with one perplexity: the layout, the title and what the text adds. It stops at the
        // interruption flag and keeps the layout it reached.
        func tsne(perplexity: Double) throws -> ([Float], String, String) {
            guard perplexity < Double(n) else {
                throw Diagnostic(
                    "the perplexity must be below the number of points (\(n)), not \(shortNumber(perplexity))",
                    range: options.perplexity?.range ?? range, kind: .value)
            }
            var tsne = TSNE(
                perplexity: perplexity, iterations: options.iterations?.value ?? 1000,
                seed: options.seed.map { UInt64($0.value) } ?? seed)
            if options.seed != nil { tsne.initialisation = .random }
            let result = try tsne.fit(points, count: n, features: features) { _ in !interruption.isRaised }
            let stopped = result.iterationsRun < tsne.iterations ? ", interrupted" : ""
            return (
                result.embedding, "t-SNE (perplexity \(shortNumber(perplexity)))",
                "KL divergence \(shortNumber(result.divergence)) after \(result.iterationsRun) iterations\(stopped)"
            )
        }
        let (xy, title, extra): ([Float], String, String) = try drawing(range) {
            switch method {
            case .pca:
                // Plain BLAS and LAPACK calls that share nothing: left to finish alone on an interrupt.
                let components = min(dimensions, features, n)
                let pca = try runAbandonable(stop: shouldStop) {
                    try PCA(components: components).fit(points, count: n, features: features)
                }
                let total = pca.explainedVariance.reduce(0, +)
                return (
                    columns(pca.projected, stride: pca.explainedVariance.count), "PCA",
                    "variance along the components: "
                        + pca.explainedVariance.map { shortNumber($0) }.joined(separator: ", ")
                        + " (sum \(shortNumber(total)))"
                )
            case .kernelpca:
                let gamma = options.gamma?.value
                let kernel: KernelPCA.Kernel =
                    options.kernel?.value == .poly ? .poly(degree: 3, gamma: gamma, coef0: 1) : .rbf(gamma: gamma)
                let kpca = try KernelPCA(components: min(dimensions, n), kernel: kernel).fit(
                    points, count: n, features: features, stop: shouldStop)
                let gammaText = gamma.map(shortNumber) ?? "1/\(features)"
                return (
                    columns(kpca.projected, stride: kpca.eigenvalues.count),
                    "KernelPCA (\(options.kernel?.value.rawValue ?? "rbf"), gamma \(gammaText))",
                    "eigenvalues: " + kpca.eigenvalues.map { shortNumber($0) }.joined(separator: ", ")
                )
            case .tsne:
                return try tsne(perplexity: perplexity)
            }
        }
        let axis = method == .tsne ? "t-SNE" : "component"
        func chart(_ xy: [Float], _ title: String) throws -> Chart {
            try drawing(range) {
                try ScatterChart(
                    title: "\(title) of \(what) (\(n) images\(note))", xLabel: axis + " 1", yLabel: axis + " 2",
                    x: (0..<n).map { Double(xy[2 * $0]) }, y: (0..<n).map { Double(xy[2 * $0 + 1]) },
                    classes: images.labels.map(Int.init)
                ).render()
            }
        }
        let still = try chart(xy, title)
        var bundle = chartBundle(still)
        var text = still.summary + "\n" + extra
        if dimensions == 3 { text += "\n(3 components computed; the picture shows the first two)" }
        bundle.data["text/plain"] = text
        guard method == .tsne, output.controls != nil else { return bundle }
        // A perplexity slider, let go before t-SNE runs again (it takes seconds for many points).
        let low = min(5, perplexity), high = max(min(50, Double(n - 1) / 3), perplexity)
        guard low < high else { return bundle }
        return showPanel(
            ControlPanel(
                title:
                    "t-SNE of \(what) (\(n) images\(note)); the slider sets the perplexity, and t-SNE runs again when "
                    + "it is let go",
                controls: [
                    Control(
                        .slider(minimum: low, maximum: high, step: 1), label: "perplexity", value: perplexity,
                        continuous: false)
                ],
                image: PanelImage(svg: still.svg, width: still.width, height: still.height)
            ) { _, values in
                let (xy, title, _) = try self.drawing(self.range) { try tsne(perplexity: values[0]) }
                let picture = try chart(xy, title)
                return PanelChange(image: PanelImage(svg: picture.svg, width: picture.width, height: picture.height))
            },
            still: bundle)
    }

    /// The first two columns of a row-major matrix with `stride` columns (a zero second column
    /// when there is only one).
    private func columns(_ m: [Float], stride: Int) -> [Float] {
        let n = m.count / max(stride, 1)
        return (0..<n).flatMap { [m[$0 * stride], stride > 1 ? m[$0 * stride + 1] : 0] }
    }
}
