/// A 2-D scatter plot of points coloured by their class (the digit), with a legend; used for
/// embeddings (PCA, KernelPCA, t-SNE).
public struct ScatterChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var x: [Double]
    public var y: [Double]
    /// One class per point (0...9 for digits); nil draws every point in the first colour.
    public var classes: [Int]?
    public var width = 560
    public var height = 460
    public var radius = 2.5

    public init(
        title: String, xLabel: String = "", yLabel: String = "", x: [Double], y: [Double], classes: [Int]? = nil
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.x = x
        self.y = y
        self.classes = classes
    }

    public func render() throws -> Chart {
        guard !x.isEmpty else { throw PicturesError.emptyInput(what: "the points of \"\(title)\"") }
        guard x.count == y.count else {
            throw PicturesError.badSize(what: "the y coordinates", expected: x.count, actual: y.count)
        }
        if let classes, classes.count != x.count {
            throw PicturesError.badSize(what: "the labels", expected: x.count, actual: classes.count)
        }
        let finiteX = x.filter(\.isFinite)
        let finiteY = y.filter(\.isFinite)
        let frame = PlotFrame(
            left: 62, top: 34, width: Double(width) - 62 - 70, height: Double(height) - 34 - 48,
            xTicks: NiceTicks(min: finiteX.min() ?? 0, max: finiteX.max() ?? 1, target: 6),
            yTicks: NiceTicks(min: finiteY.min() ?? 0, max: finiteY.max() ?? 1, target: 6))
        var svg = SVGCanvas(width: width, height: height)
        svg.text(title, x: Double(width) / 2, y: 20, anchor: "middle", size: 14, weight: "bold")
        frame.drawAxes(on: &svg, xLabel: xLabel, yLabel: yLabel)
        // One group per class so the file states each colour once.
        let classOf = classes ?? [Int](repeating: 0, count: x.count)
        let present = Array(Set(classOf)).sorted()
        for c in present {
            svg.raw("<g fill=\"\(Palette.colour(c))\" fill-opacity=\"0.8\">")
            for i in 0..<x.count where classOf[i] == c && x[i].isFinite && y[i].isFinite {
                svg.raw(
                    "<circle cx=\"\(SVGCanvas.n(frame.x(x[i])))\" cy=\"\(SVGCanvas.n(frame.y(y[i])))\" r=\"\(SVGCanvas.n(radius))\"/>"
                )
            }
            svg.raw("</g>")
        }
        if classes != nil {
            let legendX = frame.left + frame.width + 20
            for (i, c) in present.enumerated() {
                let ly = frame.top + 8 + Double(i) * 18
                svg.raw(
                    "<circle cx=\"\(SVGCanvas.n(legendX))\" cy=\"\(SVGCanvas.n(ly))\" r=\"5\" fill=\"\(Palette.colour(c))\"/>"
                )
                svg.text(String(c), x: legendX + 12, y: ly + 4, size: 12)
            }
        }
        return Chart(
            svg: svg.render(title: title), summary: summary(classOf: classOf, present: present), width: width,
            height: height)
    }

    func summary(classOf: [Int], present: [Int]) -> String {
        var lines = ["\(title): \(x.count) points"]
        lines.append(
            "  x from \(summaryNumber(x.min() ?? 0)) to \(summaryNumber(x.max() ?? 0)), y from \(summaryNumber(y.min() ?? 0)) to \(summaryNumber(y.max() ?? 0))"
        )
        if classes != nil {
            // Each class's centre tells a reader without the picture where the groups sit.
            for c in present {
                let members = (0..<x.count).filter { classOf[$0] == c }
                let cx = members.reduce(0) { $0 + x[$1] } / Double(members.count)
                let cy = members.reduce(0) { $0 + y[$1] } / Double(members.count)
                lines.append("  \(c): \(members.count) points around (\(summaryNumber(cx)), \(summaryNumber(cy)))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
