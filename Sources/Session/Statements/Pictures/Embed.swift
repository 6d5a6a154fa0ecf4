import Language
import Pictures

extension LessonSession {
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
    func embed(
        _ model: Identifier?, _ data: Reference, method: EmbeddingMethod, dimensions: Int, options: EmbedOptions,
        _ context: StatementContext
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
                "t-SNE here draws 2 dimensions", range: context.range, kind: .value, expected: "embed ... tsne")
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
        let (xy, title, extra): ([Float], String, String) = try drawing(context.range) {
            switch method {
            case .pca:
                let pca = try PCA(components: min(dimensions, features, n)).fit(points, count: n, features: features)
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
                    points, count: n, features: features)
                let gammaText = gamma.map(shortNumber) ?? "1/\(features)"
                return (
                    columns(kpca.projected, stride: kpca.eigenvalues.count),
                    "KernelPCA (\(options.kernel?.value.rawValue ?? "rbf"), gamma \(gammaText))",
                    "eigenvalues: " + kpca.eigenvalues.map { shortNumber($0) }.joined(separator: ", ")
                )
            case .tsne:
                let perplexity = options.perplexity?.value ?? min(30, Double(n - 1) / 3)
                guard perplexity < Double(n) else {
                    throw Diagnostic(
                        "the perplexity must be below the number of points (\(n)), not \(shortNumber(perplexity))",
                        range: options.perplexity?.range ?? context.range, kind: .value)
                }
                var tsne = TSNE(
                    perplexity: perplexity, iterations: options.iterations?.value ?? 1000,
                    seed: options.seed.map { UInt64($0.value) } ?? seed)
                if options.seed != nil { tsne.initialisation = .random }
                let result = try tsne.fit(points, count: n, features: features) { _ in !self.interruption.isRaised }
                let stopped = result.iterationsRun < tsne.iterations ? ", interrupted" : ""
                return (
                    result.embedding, "t-SNE (perplexity \(shortNumber(perplexity)))",
                    "KL divergence \(shortNumber(result.divergence)) after \(result.iterationsRun) iterations\(stopped)"
                )
            }
        }
        let axis = method == .tsne ? "t-SNE" : "component"
        let chart = try drawing(context.range) {
            try ScatterChart(
                title: "\(title) of \(what) (\(n) images\(note))", xLabel: axis + " 1", yLabel: axis + " 2",
                x: (0..<n).map { Double(xy[2 * $0]) }, y: (0..<n).map { Double(xy[2 * $0 + 1]) },
                classes: images.labels.map(Int.init)
            ).render()
        }
        var bundle = chartBundle(chart)
        var text = chart.summary + "\n" + extra
        if dimensions == 3 { text += "\n(3 components computed; the picture shows the first two)" }
        bundle.data["text/plain"] = text
        return bundle
    }

    /// The first two columns of a row-major matrix with `stride` columns (a zero second column
    /// when there is only one).
    private func columns(_ m: [Float], stride: Int) -> [Float] {
        let n = m.count / max(stride, 1)
        return (0..<n).flatMap { [m[$0 * stride], stride > 1 ? m[$0 * stride + 1] : 0] }
    }
}
