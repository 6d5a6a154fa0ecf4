import Foundation
import Neural
import XCTest

@testable import Session

/// `explore`: the panel it describes to a control host, what its sliders and picker draw, the
/// still picture where there is no host, and its mistakes.
final class ExploreTests: XCTestCase {
    /// A sink whose host keeps the panels shown.
    final class PanelSink: OutputSink, ControlHost {
        var panels: [(panel: ControlPanel, fallback: MimeBundle)] = []
        var displays: [MimeBundle] = []
        func stream(_ text: String, on stream: StreamName) {}
        func display(_ bundle: MimeBundle, id: String?) { displays.append(bundle) }
        func update(_ bundle: MimeBundle, id: String) {}
        var controls: ControlHost? { self }
        func show(_ panel: ControlPanel, fallback: MimeBundle) { panels.append((panel, fallback)) }
    }

    static let setup = """
        data = mnist train 1000 test 200
        seed 3
        model ae:
            dense 64 relu
            latent 4
            dense 784 sigmoid
        model vae:
            dense 64 relu
            latent 6 gaussian
            dense 784 sigmoid
        train ae on data epochs 1 batch 50
        """

    func session() throws -> TestSession {
        let t = try TestSession()
        t.run(Self.setup)
        return t
    }

    func explore(_ t: TestSession, _ code: String) throws -> (panel: ControlPanel, fallback: MimeBundle) {
        let sink = PanelSink()
        let outcome = t.session.execute(code, output: sink)
        XCTAssertEqual(outcome, .ok(result: nil))
        return try XCTUnwrap(sink.panels.first)
    }

    func testWithoutControlsItShowsTheDecodedDigit() throws {
        let t = try session()
        let text = t.run("explore ae")
        XCTAssertTrue(text.contains("explore ae: 4 sliders over coordinates 0 to 3 of its 4-d code"), text)
        XCTAssertTrue(text.contains("its sliders need a frontend that shows Jupyter widgets"), text)
    }

    func testSlidersSpanTheCodesOfTheTrainingDataAndStartAtTheFirstTestDigit() throws {
        let t = try session()
        let (panel, fallback) = try explore(t, "explore ae")
        XCTAssertEqual(panel.controls.map(\.label), ["code 0", "code 1", "code 2", "code 3", "test digit"])
        XCTAssertEqual(panel.controls[4].kind, .integerSlider(minimum: 0, maximum: 199))
        let network = try XCTUnwrap(t.session.names.model("ae")?.network)
        let data = try XCTUnwrap(t.session.names.data("data"))
        let codes = try network.encode(data.trainImages.slice(0..<1000).tensor).data
        let first = try network.encode(XCTUnwrap(data.testImages).slice(0..<1).tensor).data
        for d in 0..<4 {
            let column = stride(from: d, to: codes.count, by: 4).map { Double(codes[$0]) }
            let mean = column.reduce(0, +) / Double(column.count)
            let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)).squareRoot()
            guard case .slider(let low, let high, let step) = panel.controls[d].kind else { return XCTFail() }
            XCTAssertEqual(low, mean - 3 * std, accuracy: 1e-3 * max(1, std))
            XCTAssertEqual(high, mean + 3 * std, accuracy: 1e-3 * max(1, std))
            XCTAssertEqual(step, (high - low) / 200, accuracy: 1e-9)
            XCTAssertEqual(panel.controls[d].value, min(max(Double(first[d]), low), high), accuracy: 1e-5)
        }
        XCTAssertEqual(Array(panel.image.bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        // Two digits side by side, each 28 pixels drawn 7 times larger.
        XCTAssertGreaterThanOrEqual(panel.image.width, 2 * 196)
        XCTAssertLessThan(panel.image.width, 450, "fits a 900-pixel-wide JupyterLab")
        XCTAssertEqual(fallback.data["image/png"], Data(panel.image.bytes).base64EncodedString())
    }

    func testAVAEsSlidersSpanItsPrior() throws {
        let t = try session()
        let (panel, _) = try explore(t, "explore vae dims 2:5")
        XCTAssertEqual(panel.controls.map(\.label), ["code 2", "code 3", "code 4"], "untrained: no picker")
        for control in panel.controls {
            XCTAssertEqual(control.kind, .slider(minimum: -3, maximum: 3, step: 0.03))
            XCTAssertEqual(control.value, 0)
        }
    }

    func testMovingASliderRedrawsAndThePickerMovesTheSliders() throws {
        let t = try session()
        let (panel, _) = try explore(t, "explore ae")
        let before = t.fingerprint
        var values = panel.controls.map(\.value)
        let same = try panel.respond([0], values)
        XCTAssertEqual(same.image, panel.image, "the same values draw the same picture")
        XCTAssertTrue(same.values.isEmpty)
        guard case .slider(_, let high, _) = panel.controls[0].kind else { return XCTFail() }
        values[0] = high
        let moved = try panel.respond([0], values)
        XCTAssertNotEqual(moved.image, panel.image)
        // The picker: every slider goes to test digit 7's code.
        values[4] = 7
        let picked = try panel.respond([4], values)
        let network = try XCTUnwrap(t.session.names.model("ae")?.network)
        let digits = try XCTUnwrap(t.session.names.data("data")?.testImages)
        let code = try network.encode(digits.slice(7..<8).tensor).data
        XCTAssertEqual(picked.values.keys.sorted(), [0, 1, 2, 3])
        for d in 0..<4 {
            XCTAssertEqual(picked.values[d]!, panel.controls[d].accepted(Double(code[d]))!, accuracy: 1e-5)
        }
        XCTAssertNotEqual(picked.image, moved.image)
        XCTAssertEqual(t.fingerprint, before, "a panel reads the session, never changes it")
    }

    func testMistakesChangeNothing() throws {
        let t = try session()
        let before = t.fingerprint
        XCTAssertTrue(t.fail("explore ae dims 2:9").text.contains("ae has a 4-d code, so dims must lie within 0:4"))
        XCTAssertTrue(t.fail("explore ae dims 3:3").text.contains("holds no coordinate"))
        XCTAssertTrue(t.fail("explore ae dims 1").text.contains("a colon between"))
        XCTAssertTrue(t.fail("explore nobody").text.contains("nobody"))
        XCTAssertEqual(t.fingerprint, before)
        t.run("model wide:\n    dense 64 relu\n    latent 20\n    dense 784 sigmoid")
        XCTAssertTrue(t.fail("explore wide dims 0:20").text.contains("at most 16 sliders"))
    }

    func testAPathSlidesFromOneCodeToTheOther() throws {
        let t = try session()
        let (panel, _) = try explore(t, "explore ae data.test[0] data.test[1]")
        XCTAssertEqual(panel.controls, [Control(.slider(minimum: 0, maximum: 1, step: 0.01), label: "blend", value: 0)])
        XCTAssertEqual(try panel.respond([0], [0]).image, panel.image)
        let halfway = try panel.respond([0], [0.5]).image, end = try panel.respond([0], [1]).image
        XCTAssertNotEqual(halfway, panel.image)
        XCTAssertNotEqual(halfway, end)
        XCTAssertTrue(
            t.run("explore ae data.test[0] data.test[1]").contains("from data.test[0] (0) to data.test[1] (1)"))
        XCTAssertTrue(t.fail("explore ae data.test[0]").text.contains("the second image"))
        XCTAssertTrue(t.fail("explore ae data.test[0] data.test[1] dims 0:2").text.contains("the sliders are fixed"))
    }

    func testThePlaneNeedsA2dCodeAndItsMarkerFollowsTheSliders() throws {
        let t = try session()
        XCTAssertTrue(t.fail("explore ae plane").text.contains("needs a model with a 2-d code; ae's is 4-d"))
        t.run(
            "model flat:\n    dense 32 relu\n    latent 2\n    dense 784 sigmoid\ntrain flat on data epochs 1 batch 50")
        let (panel, _) = try explore(t, "explore flat plane")
        XCTAssertEqual(panel.controls.map(\.label), ["code 0", "code 1"])
        // The grid (12 digits of 28 pixels), a gap of 8, the digit drawn 7 times larger.
        XCTAssertEqual(panel.image.width, 12 * 28 + 8 + 196)
        XCTAssertEqual(panel.image.height, 12 * 28)
        guard case .slider(let low, let high, _) = panel.controls[0].kind else { return XCTFail() }
        let values = panel.controls.map(\.value)
        XCTAssertEqual(try panel.respond([0], values).image, panel.image)
        let moved = try panel.respond([0], [low, values[1]]).image
        XCTAssertNotEqual(moved, panel.image)
        XCTAssertNotEqual(try panel.respond([0], [high, values[1]]).image, moved)
    }

    func testGenerateGetsASpreadSliderWhereControlsCanBeShown() throws {
        let t = try session()
        let still = t.run("generate vae 9")
        XCTAssertFalse(still.contains("slider"), still)
        let (panel, fallback) = try explore(t, "generate vae 9")
        XCTAssertEqual(
            panel.controls, [Control(.slider(minimum: 0, maximum: 3, step: 0.05), label: "spread", value: 1)])
        XCTAssertEqual(try panel.respond([0], [1]).image, panel.image, "spread 1 draws what generate draws")
        XCTAssertNotEqual(try panel.respond([0], [0]).image, panel.image)
        XCTAssertTrue(fallback.text.hasPrefix("generate vae: 9 images"), fallback.text)
    }
}
