import Language
import Neural
import Pictures
import Support

/// `generate MODEL N [normal MEAN STD]`: decoded random codings.
struct Generate: SessionStatement {
    static let keyword = "generate"
    static let model = Slot.model()
    static let count = Slot.integer("N", "how many to generate", minimum: 1)
    static let normal = Option(
        "normal",
        Slot<Normal>("MEAN STD", expected: "the mean of the codings") { line, expected in
            let mean = try line.number(expected).value
            let std = try line.number("the standard deviation of the codings", .positive).value
            return Normal(mean: mean, std: std)
        },
        meaning: "the distribution every coordinate of the codings is drawn from",
        default: "a VAE's prior N(0, 1), or the spread of the codes of the data it trained on")
    static let grammar = Grammar(parts: [model, count], options: [normal])
    static let help = StatementHelp(
        .pictures,
        """
        decodes N random codings (a VAE samples its prior, N(0, 1)). In a frontend that shows \
        Jupyter widgets, a `spread` slider (0 to 3) scales every coding's distance from the mean: \
        the same digits drawn closer to the average digit, or further out, where the decoder has \
        seen fewer codes.
        """)

    struct Normal: Sendable, Equatable {
        var mean: Double
        var std: Double
    }

    let model: Identifier
    let count: Located<Int>
    let normal: Normal?

    static func parse(_ line: inout StatementReader) throws -> Generate {
        let model = try line.read(model), count = try line.read(count)
        return Generate(model: model, count: count, normal: try line.readOptions()[normal])
    }
    func run(_ context: StatementContext) throws -> MimeBundle? {
        try context.generate(model, count: count, normal: normal.map { ($0.mean, $0.std) })
    }
}

extension StatementContext {
    /// `generate MODEL N [normal MEAN STD]`: decoded random codings. A VAE samples its prior,
    /// N(0, 1); an autoencoder samples each coordinate from the mean and spread of its codings of
    /// the data it trained on; `normal MEAN STD` sets both for every coordinate. The draws follow
    /// the session's seed, so the same statement draws the same digits.
    fileprivate func generate(
        _ model: Identifier, count: Located<Int>, normal: (mean: Double, std: Double)?
    ) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        guard count.value >= 1, count.value <= Self.gridLimit else {
            throw Diagnostic(
                "generate draws between 1 and \(Self.gridLimit) images, not \(count.value)", range: count.range,
                kind: .value)
        }
        if let normal, !(normal.std >= 0) || !normal.mean.isFinite || !normal.std.isFinite {
            throw Diagnostic(
                "the spread of the normal must be a finite number of zero or more", range: range, kind: .value,
                expected: "normal MEAN STD, e.g. normal 0 0.33")
        }
        let network = try pictureNetwork(entry, for: nil, named: "its data", at: model.range)
        let k = network.latentSize
        let (mean, std): ([Float], [Float])
        let source: String
        if let normal {
            (mean, std) = (
                [Float](repeating: Float(normal.mean), count: k), [Float](repeating: Float(normal.std), count: k)
            )
            source = "N(\(shortNumber(normal.mean)), \(shortNumber(normal.std))) for each coordinate"
        } else {
            (mean, std) = try codingDistribution(entry, network, at: range)
            source =
                network.isVariational || entry.trainedOn == nil
                ? "the prior N(0, 1)" : "normals fitted to its codings of \(entry.trainedOnName ?? "its data")"
        }
        let generator = SeededGenerator(seed: seed ^ 0x9E37_79B9_0006)
        let draws = (0..<(count.value * k)).map { _ in generator.nextNormal() }
        let shape = network.inputShape
        let n = count.value, range = range
        // `spread` scales every coordinate's distance from the mean: 1 draws from the distribution.
        func grid(spread: Float) throws -> EncodedImage {
            var codes = [Float](repeating: 0, count: n * k)
            for i in 0..<n { for j in 0..<k { codes[i * k + j] = mean[j] + spread * std[j] * draws[i * k + j] } }
            let images = try drawing(range) { try network.decode(Tensor(checkedShape: [n, k], data: codes)) }
            return try gridImage(
                images.data, count: n, height: shape[0], width: shape.count > 1 ? shape[1] : 1,
                channels: shape.count > 2 ? shape[2] : 1, at: range)
        }
        let image = try grid(spread: 1)
        let summary = "generate \(entry.name): \(n) images decoded from random \(k)-d codings drawn from \(source)"
        guard output.controls != nil else { return imageBundle(image, summary: summary) }
        return showPanel(
            ControlPanel(
                title: summary + "; the slider scales their spread",
                controls: [Control(.slider(minimum: 0, maximum: 3, step: 0.05), label: "spread", value: 1)],
                image: PanelImage(png: image.bytes, width: image.width, height: image.height)
            ) { _, values in
                let picture = try grid(spread: Float(values[0]))
                return PanelChange(image: PanelImage(png: picture.bytes, width: picture.width, height: picture.height))
            })
    }
}
