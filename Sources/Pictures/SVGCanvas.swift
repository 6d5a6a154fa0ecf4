import Foundation

/// A small SVG writer. Text and axes use a mid-tone grey that reads on JupyterLab's light and dark
/// backgrounds (SVG shown through <img> cannot inherit the page's colour); the background stays
/// transparent.
struct SVGCanvas {
    static let foreground = "#808080"
    static let gridline = "#8080804d"  // the same grey at 30% opacity

    let width: Int
    let height: Int
    private(set) var body: [String] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Coordinates rounded to 0.1 px keep files small and snapshots stable.
    static func n(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        if r == r.rounded() { return String(Int(r)) }
        return String(format: "%.1f", r)
    }

    mutating func raw(_ element: String) { body.append(element) }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil
    ) {
        let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body.append(
            "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\"\(d)/>"
        )
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil) {
        let s = stroke.map { " stroke=\"\($0)\"" } ?? ""
        body.append(
            "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" fill=\"\(fill)\"\(s)/>"
        )
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2, dash: String? = nil) {
        let p = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        let d = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        body.append(
            "<polyline points=\"\(p)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\" stroke-linejoin=\"round\"\(d)/>"
        )
    }

    mutating func text(
        _ s: String, x: Double, y: Double, anchor: String = "start", size: Int = 12, weight: String? = nil,
        rotate: Bool = false, fill: String = SVGCanvas.foreground
    ) {
        let w = weight.map { " font-weight=\"\($0)\"" } ?? ""
        let r = rotate ? " transform=\"rotate(-90 \(Self.n(x)) \(Self.n(y)))\"" : ""
        body.append(
            "<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"\(fill)\"\(w)\(r)>\(markupEscaped(s))</text>"
        )
    }

    func render(title: String) -> String {
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
            + "style=\"max-width:100%;height:auto\" font-family=\"sans-serif\">\n"
        out += "<title>\(markupEscaped(title))</title>\n"
        for element in body { out += element + "\n" }
        out += "</svg>\n"
        return out
    }
}

/// A plotting frame: data ranges mapped onto a rectangle, with ticked axes and labels.
struct PlotFrame {
    let left: Double
    let top: Double
    let width: Double
    let height: Double
    let xTicks: NiceTicks
    let yTicks: NiceTicks

    func x(_ v: Double) -> Double {
        left + (v - xTicks.lower) / (xTicks.upper - xTicks.lower) * width
    }

    func y(_ v: Double) -> Double {
        top + height - (v - yTicks.lower) / (yTicks.upper - yTicks.lower) * height
    }

    /// Grid lines, tick labels, axis lines and axis titles.
    func drawAxes(on svg: inout SVGCanvas, xLabel: String, yLabel: String, fontSize: Int = 11) {
        for t in yTicks.values {
            svg.line(left, y(t), left + width, y(t), stroke: SVGCanvas.gridline)
            svg.text(yTicks.label(t), x: left - 6, y: y(t) + 4, anchor: "end", size: fontSize)
        }
        for t in xTicks.values {
            svg.line(x(t), top + height, x(t), top + height + 4, stroke: SVGCanvas.foreground)
            svg.text(xTicks.label(t), x: x(t), y: top + height + 16, anchor: "middle", size: fontSize)
        }
        svg.line(left, top + height, left + width, top + height, stroke: SVGCanvas.foreground)
        svg.line(left, top, left, top + height, stroke: SVGCanvas.foreground)
        if !xLabel.isEmpty { svg.text(xLabel, x: left + width / 2, y: top + height + 32, anchor: "middle", size: 12) }
        if !yLabel.isEmpty {
            svg.text(yLabel, x: left - 40, y: top + height / 2, anchor: "middle", size: 12, rotate: true)
        }
    }
}

/// An SVG picture with its plain-text description (the `text/plain` twin of `image/svg+xml`).
public struct Chart: Sendable, Equatable {
    public var svg: String
    public var summary: String
    public var width: Int
    public var height: Int
}

/// Ten colours for the ten digits (matplotlib's "tab10" order, mid-tones that stay distinct on
/// light and dark backgrounds), reused for series in line charts.
public enum Palette {
    public static let categorical = [
        "#3b8bd0", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
        "#a0675a", "#e377c2", "#8f8f8f", "#bcbd22", "#17becf",
    ]

    public static func colour(_ index: Int) -> String {
        categorical[((index % categorical.count) + categorical.count) % categorical.count]
    }
}

/// A number in a picture's plain-text summary (and in Pictures' messages): four significant
/// digits, 1.234e+04 style from 10,000 up or below 0.001, so that values of any range stay short.
/// Tick labels have their own rule (`NiceTicks.label`: just the decimals the step needs).
func summaryNumber(_ v: Double) -> String {
    if v == 0 { return "0" }
    if abs(v) >= 1e4 || abs(v) < 1e-3 { return String(format: "%.3e", v) }
    return String(format: "%.4g", v)
}
