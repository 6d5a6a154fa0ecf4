import Foundation

/// Several histograms side by side, one panel per variable (e.g. one per latent coordinate),
/// each with its own ticks.
public struct HistogramChart: Sendable {
    public struct Panel: Sendable, Equatable {
        public var name: String
        public var values: [Double]

        public init(name: String, values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    public var title: String
    public var panels: [Panel]
    public var bins: Int
    public var panelWidth = 240
    public var panelHeight = 170
    public var columns: Int?

    public init(title: String, panels: [Panel], bins: Int = 30, columns: Int? = nil) {
        self.title = title
        self.panels = panels
        self.bins = bins
        self.columns = columns
    }

    /// Counts per bin over [lower, upper]; the last bin includes its right edge.
    static func counts(_ values: [Double], bins: Int, lower: Double, upper: Double) -> [Int] {
        var out = [Int](repeating: 0, count: bins)
        let span = upper - lower
        for v in values where v.isFinite {
            var b = span > 0 ? Int((v - lower) / span * Double(bins)) : 0
            b = min(max(b, 0), bins - 1)
            out[b] += 1
        }
        return out
    }

    public func render() throws -> Chart {
        guard !panels.isEmpty else { throw PicturesError.emptyInput(what: "the list of histograms") }
        guard bins >= 1, bins <= 1000 else {
            throw PicturesError.invalidOption(name: "bins", value: "\(bins)", reason: "must be between 1 and 1000")
        }
        // Two panels a row (480 px): a chart stays narrow enough to be read when a narrow
        // output area (about 450 px beside JupyterLab's file browser) scales it down.
        let cols = max(1, min(columns ?? 2, panels.count))
        let rows = (panels.count + cols - 1) / cols
        let width = cols * panelWidth
        let height = 30 + rows * panelHeight
        var svg = SVGCanvas(width: width, height: height)
        svg.text(title, x: Double(width) / 2, y: 20, anchor: "middle", size: 14, weight: "bold")
        var summary = ["\(title):"]
        for (index, panel) in panels.enumerated() {
            let finite = panel.values.filter(\.isFinite)
            let lo = finite.min() ?? 0
            let hi = finite.max() ?? 1
            let xTicks = NiceTicks(min: lo, max: hi, target: 4)
            let counts = Self.counts(finite, bins: bins, lower: xTicks.lower, upper: xTicks.upper)
            let yTicks = NiceTicks(min: 0, max: Double(max(1, counts.max() ?? 1)), target: 4)
            let originX = Double((index % cols) * panelWidth)
            let originY = 30 + Double((index / cols) * panelHeight)
            let frame = PlotFrame(
                left: originX + 48, top: originY + 22, width: Double(panelWidth) - 48 - 14,
                height: Double(panelHeight) - 22 - 38, xTicks: xTicks, yTicks: yTicks)
            svg.text(
                panel.name, x: frame.left + frame.width / 2, y: originY + 14, anchor: "middle", size: 12, weight: "bold"
            )
            let binWidth = (xTicks.upper - xTicks.lower) / Double(bins)
            let colour = Palette.colour(index)
            for (b, count) in counts.enumerated() where count > 0 {
                let x0 = frame.x(xTicks.lower + Double(b) * binWidth)
                let x1 = frame.x(xTicks.lower + Double(b + 1) * binWidth)
                let y0 = frame.y(Double(count))
                svg.rect(x0, y0, max(0.5, x1 - x0 - 0.5), frame.y(0) - y0, fill: colour)
            }
            frame.drawAxes(on: &svg, xLabel: "", yLabel: "", fontSize: 10)
            let mean = finite.isEmpty ? 0 : finite.reduce(0, +) / Double(finite.count)
            let variance =
                finite.isEmpty ? 0 : finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count)
            summary.append(
                "  \(panel.name): \(finite.count) values, mean \(summaryNumber(mean)), std \(summaryNumber(variance.squareRoot())), min \(summaryNumber(lo)), max \(summaryNumber(hi))"
            )
        }
        return Chart(
            svg: svg.render(title: title), summary: summary.joined(separator: "\n"), width: width, height: height)
    }
}
