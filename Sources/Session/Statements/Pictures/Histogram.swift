import Language
import Pictures

extension LessonSession {
    /// Most codings a histogram reads, and most panels it draws.
    static let histogramSamples = 10000
    static let histogramPanels = 16

    /// `histogram MODEL IMAGES [dims A:B]`: the distribution of each latent coordinate over the
    /// images' codings, one panel per coordinate.
    func histogram(_ model: Identifier, _ data: Reference, dims: Range<Int>?, _ context: StatementContext) throws
        -> MimeBundle?
    {
        let entry = try lookUpModel(model)
        let images = try pictureImages(data)
        let network = try pictureNetwork(entry, for: images, named: sourceName(data), at: data.range)
        let k = network.latentSize
        let chosen = dims ?? 0..<min(k, Self.histogramPanels)
        guard chosen.lowerBound >= 0, chosen.upperBound <= k, !chosen.isEmpty else {
            throw Diagnostic(
                "\(entry.name) has a \(k)-d code, so dims must lie within 0:\(k)", range: context.range, kind: .value,
                expected: "dims A:B with 0 <= A < B <= \(k)")
        }
        guard chosen.count <= Self.histogramPanels else {
            throw Diagnostic(
                "a histogram draws at most \(Self.histogramPanels) coordinates, not \(chosen.count)",
                range: context.range,
                kind: .value, expected: "a narrower range, e.g. dims 0:4")
        }
        let (codes, n) = try codings(network, images, limit: Self.histogramSamples, at: data.range)
        let panels = chosen.map { j in
            HistogramChart.Panel(name: "dim \(j)", values: (0..<n).map { Double(codes[$0 * k + j]) })
        }
        let note = images.count > n ? " (the first \(n) of \(images.count))" : ""
        return try drawing(context.range) {
            chartBundle(
                try HistogramChart(
                    title: "Latent coordinates of \(entry.name) on \(sourceName(data))\(note)", panels: panels
                ).render())
        }
    }
}
