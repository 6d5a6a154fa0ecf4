import Foundation
import Language
import XCTest

@testable import Session

/// `embed ... tsne` where a control host shows panels: a perplexity slider over the still SVG
/// scatter, which runs t-SNE again with the slider's value; elsewhere the still picture alone.
final class EmbedPanelTests: XCTestCase {
    static let statement = "embed data.test[0:300] tsne iterations 300"

    func session() throws -> TestSession {
        let t = try TestSession()
        t.run("data = mnist train 100 test 300")
        return t
    }

    func panel(_ t: TestSession, _ code: String) throws -> (panel: ControlPanel, fallback: MimeBundle) {
        let sink = ExploreTests.PanelSink()
        XCTAssertEqual(t.session.execute(code, output: sink), .ok(result: nil))
        return try XCTUnwrap(sink.panels.first)
    }

    func testTheSliderStartsAtThePerplexityAndIsAnsweredWhenLetGo() throws {
        let t = try session()
        let (panel, fallback) = try panel(t, Self.statement)
        XCTAssertEqual(
            panel.controls,
            [Control(.slider(minimum: 5, maximum: 50, step: 1), label: "perplexity", value: 30, continuous: false)])
        // The panel shows the same SVG as the still picture.
        XCTAssertEqual(panel.image.format, .svg)
        XCTAssertEqual(fallback.data["image/svg+xml"], String(decoding: panel.image.bytes, as: UTF8.self))
        XCTAssertTrue(fallback.text.contains("t-SNE (perplexity 30)"), fallback.text)
        // Values from a frontend are brought into the range; what is not a number is refused.
        XCTAssertEqual(panel.controls[0].accepted(500), 50)
        XCTAssertEqual(panel.controls[0].accepted(-3), 5)
        XCTAssertNil(panel.controls[0].accepted(.nan))
    }

    func testANewPerplexityRunsTSNEAgain() throws {
        let t = try session()
        let (panel, _) = try panel(t, Self.statement)
        let before = t.fingerprint
        XCTAssertEqual(try panel.respond([0], [30]).image, panel.image, "the same perplexity draws the same map")
        let moved = try XCTUnwrap(try panel.respond([0], [8]).image)
        XCTAssertNotEqual(moved, panel.image)
        XCTAssertEqual(moved.format, .svg)
        let svg = String(decoding: moved.bytes, as: UTF8.self)
        XCTAssertTrue(svg.contains("t-SNE (perplexity 8) of the pixels"), String(svg.prefix(400)))
        XCTAssertEqual(t.fingerprint, before, "a slider changes nothing in the session")
    }

    func testAGivenPerplexityWidensTheRangeAndAnInterruptStopsTheRedraw() throws {
        let t = try session()
        let (wide, _) = try panel(t, "embed data.test[0:300] tsne perplexity 80 iterations 300")
        XCTAssertEqual(wide.controls[0].kind, .slider(minimum: 5, maximum: 80, step: 1))
        XCTAssertEqual(wide.controls[0].value, 80)
        // An interrupt while the slider's t-SNE runs stops it, as it stops the cell.
        let (panel, _) = try panel(t, "embed data.test[0:300] tsne iterations 100000")
        let redraw = Redraw(panel)
        let done = expectation(description: "the redraw returned")
        Thread.detachNewThread {
            redraw.outcome = Result { try redraw.panel.respond([0], [12]) }
            redraw.finished = Date()
            done.fulfill()
        }
        Thread.sleep(forTimeInterval: 1)
        let flag = Date()
        t.session.interruption.raise()
        defer { t.session.interruption.clear() }
        wait(for: [done], timeout: 120)
        XCTAssertLessThan(redraw.finished.timeIntervalSince(flag), 5, "100000 iterations were not run")
        switch redraw.outcome {
        case .success(let change):
            let svg = String(decoding: try XCTUnwrap(change.image).bytes, as: UTF8.self)
            XCTAssertTrue(svg.contains("t-SNE (perplexity 12)"), "the map it reached")
        case .failure(let error):
            XCTAssertEqual((error as? Diagnostic)?.kind, .interrupted, "stopped before it had a map: \(error)")
        case nil: XCTFail("no outcome")
        }
    }

    /// A redraw on another thread: the panel, what it gave, and when.
    final class Redraw: @unchecked Sendable {
        let panel: ControlPanel
        init(_ panel: ControlPanel) { self.panel = panel }
        var outcome: Result<PanelChange, any Error>?
        var finished = Date.distantFuture
    }

    func testWithoutAHostItDrawsTheStillPicture() throws {
        let t = try session()
        let text = t.run(Self.statement)
        XCTAssertTrue(text.contains("t-SNE (perplexity 30)"), text)
        XCTAssertFalse(text.contains("slider"), text)
        // PCA and KernelPCA have no slider, even with a host.
        let sink = ExploreTests.PanelSink()
        XCTAssertEqual(t.session.execute("embed data.test[0:300] pca", output: sink), .ok(result: nil))
        XCTAssertTrue(sink.panels.isEmpty)
        XCTAssertEqual(sink.displays.count, 1)
        XCTAssertNotNil(sink.displays.first?.data["image/svg+xml"])
    }
}
