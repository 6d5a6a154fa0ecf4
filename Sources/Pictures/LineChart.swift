/// Loss curves: several series on one chart (e.g. train and test loss per epoch of one or more
/// models). Series of the same `group` share a colour; `dashed` tells train from test.
public struct LineChart: Sendable {
    public struct Series: Sendable, Equatable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var group: Int
        public var dashed: Bool

        public init(name: String, x: [Double], y: [Double], group: Int = 0, dashed: Bool = false) {
            self.name = name
            self.x = x
            self.y = y
            self.group = group
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 560
    public var height = 340

    public init(title: String, xLabel: String = "epoch", yLabel: String = "loss", series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    public func render() throws -> Chart {
        let drawn = series.filter { !$0.x.isEmpty }
        guard !drawn.isEmpty else { throw PicturesError.emptyInput(what: "every series of \"\(title)\"") }
        for s in drawn where s.x.count != s.y.count {
            throw PicturesError.badSize(what: "the y values of \(s.name)", expected: s.x.count, actual: s.y.count)
        }
        let finite = drawn.flatMap { zip($0.x, $0.y).filter { $0.0.isFinite && $0.1.isFinite } }
        let xs = finite.map(\.0)
        let ys = finite.map(\.1)
        let xTicks = NiceTicks(
            min: xs.min() ?? 0, max: xs.max() ?? 1, target: 6, integer: xs.allSatisfy { $0 == $0.rounded() })
        let yTicks = NiceTicks(min: ys.min() ?? 0, max: ys.max() ?? 1, target: 5)
        let legendWidth = 150.0
        let frame = PlotFrame(
            left: 62, top: 34, width: Double(width) - 62 - legendWidth - 16, height: Double(height) - 34 - 48,
            xTicks: xTicks, yTicks: yTicks)
        var svg = SVGCanvas(width: width, height: height)
        svg.text(title, x: Double(width) / 2, y: 20, anchor: "middle", size: 14, weight: "bold")
        frame.drawAxes(on: &svg, xLabel: xLabel, yLabel: yLabel)
        for s in drawn {
            let points = zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite }.map { (frame.x($0.0), frame.y($0.1)) }
            let colour = Palette.colour(s.group)
            if points.count == 1 {
                svg.raw(
                    "<circle cx=\"\(SVGCanvas.n(points[0].0))\" cy=\"\(SVGCanvas.n(points[0].1))\" r=\"3\" fill=\"\(colour)\"/>"
                )
            } else {
                svg.polyline(points, stroke: colour, width: 2, dash: s.dashed ? "6 4" : nil)
            }
        }
        // Legend on the right: a short line sample and the series name.
        let legendX = frame.left + frame.width + 16
        for (i, s) in drawn.enumerated() {
            let y = frame.top + 8 + Double(i) * 18
            svg.line(
                legendX, y, legendX + 24, y, stroke: Palette.colour(s.group), width: 2, dash: s.dashed ? "6 4" : nil)
            svg.text(s.name, x: legendX + 30, y: y + 4, size: 12)
        }
        return Chart(svg: svg.render(title: title), summary: summary(of: drawn), width: width, height: height)
    }

    func summary(of drawn: [Series]) -> String {
        var lines = ["\(title) (\(yLabel) by \(xLabel)):"]
        let nameWidth = drawn.map(\.name.count).max() ?? 0
        for s in drawn {
            let values = s.y.filter(\.isFinite)
            guard let first = values.first, let last = values.last, let best = values.min() else {
                lines.append("  \(s.name): no finite values")
                continue
            }
            let pad = String(repeating: " ", count: nameWidth - s.name.count)
            lines.append(
                "  \(s.name)\(pad)  \(summaryNumber(first)) -> \(summaryNumber(last)) over \(s.x.count) points, lowest \(summaryNumber(best))"
            )
        }
        return lines.joined(separator: "\n")
    }
}
