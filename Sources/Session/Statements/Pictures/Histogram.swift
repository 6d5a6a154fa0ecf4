import Language
import Pictures

/// `histogram MODEL IMAGES [dims A:B]`: the distribution of each code coordinate.
struct Histogram: SessionStatement {
    static let keyword = "histogram"
    static let model = Slot.model()
    static let images = Slot.data("IMAGES", "the images to encode, e.g. data.train")
    static let dims = Option(
        "dims",
        Slot<Range<Int>>("A:B", expected: "the first dimension") { line, expected in
            let lo = try line.integer(expected, minimum: 0)
            try line.expectSymbol(":", "':' between the first and the end dimension, e.g. dims 0:4")
            let hi = try line.integer("the end dimension", minimum: lo.value + 1)
            return lo.value..<hi.value
        }, meaning: "the code coordinates drawn, from A up to (not including) B", default: "every coordinate")
    static let grammar = Grammar(parts: [model, images], options: [dims])
    static let help = StatementHelp(.pictures, "how each latent coordinate is distributed over the images.")

    let model: Identifier
    let images: Reference
    let dims: Range<Int>?

    static func parse(_ line: inout StatementReader) throws -> Histogram {
        let model = try line.read(model), images = try line.read(images)
        return Histogram(model: model, images: images, dims: try line.readOptions()[dims])
    }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.histogram(model, images, dims: dims) }
}

extension StatementContext {
    /// Most codings a histogram reads, and most panels it draws.
    static let histogramSamples = 10000
    static let histogramPanels = 16

    /// `histogram MODEL IMAGES [dims A:B]`: the distribution of each latent coordinate over the
    /// images' codings, one panel per coordinate.
    fileprivate func histogram(_ model: Identifier, _ data: Reference, dims: Range<Int>?) throws
        -> MimeBundle?
    {
        let entry = try lookUpModel(model)
        let images = try pictureImages(data)
        let network = try pictureNetwork(entry, for: images, named: sourceName(data), at: data.range)
        let k = network.latentSize
        let chosen = dims ?? 0..<min(k, Self.histogramPanels)
        guard chosen.lowerBound >= 0, chosen.upperBound <= k, !chosen.isEmpty else {
            throw Diagnostic(
                "\(entry.name) has a \(k)-d code, so dims must lie within 0:\(k)", range: range, kind: .value,
                expected: "dims A:B with 0 <= A < B <= \(k)")
        }
        guard chosen.count <= Self.histogramPanels else {
            throw Diagnostic(
                "a histogram draws at most \(Self.histogramPanels) coordinates, not \(chosen.count)",
                range: range,
                kind: .value, expected: "a narrower range, e.g. dims 0:4")
        }
        let (codes, n) = try codings(network, images, limit: Self.histogramSamples, at: data.range)
        let panels = chosen.map { j in
            HistogramChart.Panel(name: "dim \(j)", values: (0..<n).map { Double(codes[$0 * k + j]) })
        }
        let note = images.count > n ? " (the first \(n) of \(images.count))" : ""
        return try drawing(range) {
            chartBundle(
                try HistogramChart(
                    title: "Latent coordinates of \(entry.name) on \(sourceName(data))\(note)", panels: panels
                ).render())
        }
    }
}
