import FoundationXML
import XCTest

@testable import Pictures

final class ChartTests: XCTestCase {
    func parse(_ svg: String) throws -> XMLDocument { try XMLDocument(xmlString: svg, options: []) }

    func count(_ element: String, in doc: XMLDocument) throws -> Int {
        try doc.nodes(forXPath: "//*[local-name()='\(element)']").count
    }

    func testNiceTicksUseOneTwoFive() {
        let t = NiceTicks(min: 0.013, max: 0.087, target: 5)
        XCTAssertEqual(t.step, 0.02, accuracy: 1e-12)
        XCTAssertEqual(t.values.count, 6)
        XCTAssertEqual(t.lower, 0.0, accuracy: 1e-12)
        XCTAssertEqual(t.upper, 0.1, accuracy: 1e-12)
        XCTAssertEqual(t.label(0.04), "0.04")
        let big = NiceTicks(min: 1, max: 20, target: 6)
        XCTAssertEqual(big.step, 5)
        XCTAssertEqual(big.values, [0, 5, 10, 15, 20])
        XCTAssertEqual(NiceTicks(min: 1, max: 3, target: 6, integer: true).values, [1, 2, 3])
        let flat = NiceTicks(min: 3, max: 3)
        XCTAssertLessThan(flat.lower, 3)
        XCTAssertGreaterThan(flat.upper, 3)
        for (lo, hi) in [(-3.7, 12.2), (1e-4, 9e-4), (250.0, 251.0)] {
            let t = NiceTicks(min: lo, max: hi)
            XCTAssertLessThanOrEqual(t.lower, lo)
            XCTAssertGreaterThanOrEqual(t.upper, hi)
            let mantissa = t.step / pow(10, floor(log10(t.step)))
            XCTAssertTrue([1, 2, 5].contains { abs($0 - mantissa) < 1e-9 }, "step \(t.step)")
        }
    }

    func lossChart() -> LineChart {
        LineChart(
            title: "Loss",
            series: [
                .init(name: "ae train", x: [1, 2, 3, 4], y: [0.08, 0.05, 0.041, 0.037], group: 0),
                .init(name: "ae test", x: [1, 2, 3, 4], y: [0.07, 0.048, 0.043, 0.040], group: 0, dashed: true),
                .init(name: "deep train", x: [1, 2, 3, 4], y: [0.09, 0.06, 0.05, 0.045], group: 1),
            ])
    }

    func testLossCurvesAreWellFormedWithLegendAndSummary() throws {
        let chart = try lossChart().render()
        let doc = try parse(chart.svg)
        XCTAssertEqual(try count("polyline", in: doc), 3)
        XCTAssertTrue(chart.svg.contains(">ae test</text>"))
        XCTAssertTrue(chart.svg.contains("stroke-dasharray"))
        XCTAssertFalse(chart.svg.contains("#000"), "black text would vanish on a dark theme")
        XCTAssertTrue(chart.summary.contains("ae train"))
        XCTAssertTrue(chart.summary.contains("0.08 -> 0.037"))
        Snapshot.assertMatches(chart.svg, named: "loss-curves.svg")
        Snapshot.assertMatches(chart.summary, named: "loss-curves.txt")
    }

    func testScatterColoursEachDigitAndHasALegend() throws {
        let n = 50
        let chart = try ScatterChart(
            title: "t-SNE", x: (0..<n).map { Double($0 % 10) + Double($0) / 100 },
            y: (0..<n).map { Double($0 / 10) }, classes: (0..<n).map { $0 % 10 }
        ).render()
        let doc = try parse(chart.svg)
        XCTAssertEqual(try count("circle", in: doc), n + 10)
        for digit in 0..<10 { XCTAssertTrue(chart.svg.contains("fill=\"\(Palette.colour(digit))\"")) }
        XCTAssertEqual(Set(Palette.categorical).count, 10)
        XCTAssertTrue(chart.summary.contains("50 points"))
        Snapshot.assertMatches(chart.svg, named: "scatter.svg")
    }

    func testHistogramPanelsCountEveryValue() throws {
        let values = (0..<200).map { sin(Double($0)) }
        XCTAssertEqual(HistogramChart.counts(values, bins: 10, lower: -1, upper: 1).reduce(0, +), 200)
        let chart = try HistogramChart(
            title: "Latent coordinates",
            panels: (0..<5).map { k in .init(name: "dim \(k)", values: values.map { $0 * Double(k + 1) }) }, bins: 12
        ).render()
        let doc = try parse(chart.svg)
        XCTAssertGreaterThan(try count("rect", in: doc), 5 * 6)
        XCTAssertEqual(chart.width, 2 * 240, "two panels a row")
        XCTAssertTrue(chart.summary.contains("dim 4: 200 values"))
        Snapshot.assertMatches(chart.svg, named: "histogram.svg")
    }

    func testChartsRejectEmptyOrMismatchedData() {
        XCTAssertThrowsError(try LineChart(title: "x", series: []).render())
        XCTAssertThrowsError(try LineChart(title: "x", series: [.init(name: "a", x: [1, 2], y: [1])]).render())
        XCTAssertThrowsError(try ScatterChart(title: "x", x: [1], y: [1, 2]).render())
        XCTAssertThrowsError(try HistogramChart(title: "x", panels: [], bins: 3).render())
    }

    func testTitlesAreEscaped() throws {
        let chart = try LineChart(title: "a < b & \"c\"", series: [.init(name: "<s>", x: [0, 1], y: [1, 2])]).render()
        XCTAssertNoThrow(try parse(chart.svg))
    }
}
