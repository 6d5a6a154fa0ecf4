import Session
import XCTest

@testable import JupyterKernel

/// Comms and the widget protocol through the recording outlet: a panel's models opened, updates
/// echoed and answered, state requested, the control comm, and what is ignored.
final class WidgetTests: CoreTestCase {
    @discardableResult
    func send(_ type: String, _ content: JSONValue, buffers: [[UInt8]] = [], on channel: Channel = .shell) -> Message {
        var request = requests.make(type, content)
        request.buffers = buffers
        outlet.clear()
        _ = core.handle(request, on: channel, outlet: outlet)
        return request
    }

    /// Runs the `panel` cell; returns its comm_opens by model name (sliders in order).
    func openPanel() -> (sliders: [Message], image: Message, display: Message) {
        send("execute_request", ["code": "panel"])
        let opens = outlet.iopub.filter { $0.msgType == "comm_open" }
        let name = { (m: Message) in m.content["data"]?["state"]?["_model_name"]?.stringValue ?? "" }
        let sliders = opens.filter { ["FloatSliderModel", "IntSliderModel"].contains(name($0)) }
        let image = opens.first { name($0) == "ImageModel" }!
        let display = outlet.iopub.first { $0.msgType == "display_data" }!
        return (sliders, image, display)
    }

    func update(_ model: Message, _ state: JSONValue) -> Message {
        send("comm_msg", ["comm_id": model.content["comm_id"]!, "data": ["method": "update", "state": state]])
    }

    func testAPanelOpensEveryModelWithTheProtocolsKeysAndDisplaysTheRoot() throws {
        let (sliders, image, display) = openPanel()
        let opens = outlet.iopub.filter { $0.msgType == "comm_open" }
        var opened = Set<String>()
        for open in opens {
            XCTAssertEqual(open.content["target_name"], "jupyter.widget")
            XCTAssertEqual(open.metadata["version"], "2.1.0")
            XCTAssertEqual(open.parentHeader["msg_type"], "execute_request")
            let state = try XCTUnwrap(open.content["data"]?["state"]?.objectValue)
            for key in [
                "_model_name", "_model_module", "_model_module_version", "_view_name", "_view_module",
                "_view_module_version",
            ] {
                XCTAssertNotNil(state[key], "\(key) missing in \(state["_model_name"]!)")
            }
            // A model refers only to models opened before it.
            for (_, value) in state {
                for reference in (value.arrayValue ?? [value]).compactMap(\.stringValue)
                where reference.hasPrefix("IPY_MODEL_") {
                    XCTAssertTrue(opened.contains(String(reference.dropFirst(10))), "\(reference) not yet opened")
                }
            }
            opened.insert(open.content["comm_id"]!.stringValue!)
        }
        XCTAssertEqual(sliders.count, 3)
        XCTAssertEqual(sliders[0].content["data"]?["state"]?["_model_module"], "@jupyter-widgets/controls")
        XCTAssertEqual(sliders[0].content["data"]?["state"]?["_model_module_version"], "2.0.0")
        XCTAssertEqual(sliders[0].content["data"]?["state"]?["continuous_update"], true)
        let layouts = opens.filter { $0.content["data"]?["state"]?["_model_name"] == "LayoutModel" }
        XCTAssertEqual(layouts.first?.content["data"]?["state"]?["_model_module"], "@jupyter-widgets/base")
        // The picture travels as a buffer, named by its path.
        XCTAssertEqual(image.content["data"]?["buffer_paths"], [["value"]])
        XCTAssertEqual(image.buffers, [[0, 0]])
        XCTAssertNil(image.content["data"]?["state"]?["value"])
        // The display names the last model opened (the root) and keeps the fallbacks.
        let view = try XCTUnwrap(display.content["data"]?["application/vnd.jupyter.widget-view+json"])
        XCTAssertEqual(view["model_id"], opens.last!.content["comm_id"])
        XCTAssertEqual(view["version_major"], 2)
        XCTAssertEqual(display.content["data"]?["image/png"], "AAA=")
        XCTAssertEqual(display.content["data"]?["text/plain"], "a panel")
    }

    func testAnUpdateIsEchoedThenRedrawsThePicture() {
        let (sliders, image, _) = openPanel()
        let request = update(sliders[0], ["value": 1.5])
        let comms = outlet.iopub.filter { $0.msgType == "comm_msg" }
        XCTAssertEqual(comms.count, 2)
        XCTAssertEqual(comms[0].content["comm_id"], sliders[0].content["comm_id"])
        XCTAssertEqual(comms[0].content["data"]?["method"], "echo_update")
        XCTAssertEqual(comms[0].content["data"]?["state"], ["value": 1.5])
        XCTAssertEqual(comms[1].content["comm_id"], image.content["comm_id"])
        XCTAssertEqual(comms[1].content["data"]?["method"], "update")
        XCTAssertEqual(comms[1].content["data"]?["buffer_paths"], [["value"]])
        XCTAssertEqual(comms[1].buffers, [[4, 3]])
        for message in outlet.iopub { XCTAssertEqual(message.parentHeader["msg_id"], request.header["msg_id"]) }
        XCTAssertEqual(outlet.iopubTypes.first, "status:busy")
        XCTAssertEqual(outlet.iopubTypes.last, "status:idle")
        XCTAssertEqual(interpreter.panelCalls.last?.moved, [0])
        XCTAssertEqual(interpreter.panelCalls.last?.values, [1.5, 0, 0])
    }

    func testThePickerMovesAnotherSliderWithAnUpdate() {
        let (sliders, image, _) = openPanel()
        _ = update(sliders[2], ["value": 7])
        let comms = outlet.iopub.filter { $0.msgType == "comm_msg" }
        XCTAssertEqual(comms.map { $0.content["data"]?["method"] }, ["echo_update", "update", "update"])
        XCTAssertEqual(comms[1].content["comm_id"], sliders[1].content["comm_id"])
        XCTAssertEqual(comms[1].content["data"]?["state"], ["value": 7])
        XCTAssertEqual(comms[2].content["comm_id"], image.content["comm_id"])
        XCTAssertEqual(comms[2].buffers, [[3, 10]])
        // The kernel's state holds the moved slider's new value.
        send("comm_msg", ["comm_id": sliders[1].content["comm_id"]!, "data": ["method": "request_state"]])
        XCTAssertEqual(outlet.iopub.first { $0.msgType == "comm_msg" }?.content["data"]?["state"]?["value"], 7)
    }

    func testValuesOutsideTheRangeAreBroughtIntoItAndWrongTypesIgnored() {
        let (sliders, _, _) = openPanel()
        _ = update(sliders[0], ["value": 100])
        XCTAssertEqual(outlet.iopub.first { $0.msgType == "comm_msg" }?.content["data"]?["state"], ["value": 3])
        let calls = interpreter.panelCalls.count
        for wrong: JSONValue in ["seven", nil, true, [1], ["a": 1]] {
            _ = update(sliders[1], ["value": wrong])
            XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"], "\(wrong)")
        }
        for key in ["_model_name", "min", "description", "layout", "nonsense"] {
            _ = update(sliders[1], [key: "x"])
            XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"], key)
        }
        // Not even an object.
        send("comm_msg", ["comm_id": sliders[1].content["comm_id"]!, "data": ["method": "update", "state": 3]])
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"])
        XCTAssertEqual(interpreter.panelCalls.count, calls)
    }

    func testABurstOfUpdatesDrawsOnlyForTheLast() {
        let (sliders, _, _) = openPanel()
        outlet.queued = [sliders[1].content["comm_id"]!.stringValue!]
        _ = update(sliders[0], ["value": 1])
        XCTAssertEqual(outlet.iopub.filter { $0.msgType == "comm_msg" }.count, 1, "only the echo")
        XCTAssertTrue(interpreter.panelCalls.isEmpty)
        outlet.queued = []
        _ = update(sliders[1], ["value": 2])
        XCTAssertEqual(interpreter.panelCalls.count, 1)
        XCTAssertEqual(interpreter.panelCalls[0].moved, [0, 1])
        XCTAssertEqual(interpreter.panelCalls[0].values, [1, 2, 0])
    }

    func testAPanelThatFailsToDrawIsLoggedAndTheKernelCarriesOn() {
        let (sliders, _, _) = openPanel()
        _ = update(sliders[0], ["value": 2.9])
        XCTAssertEqual(outlet.iopub.filter { $0.msgType == "comm_msg" }.count, 1, "the echo, no picture")
        _ = update(sliders[0], ["value": 1])
        XCTAssertEqual(outlet.iopub.filter { $0.msgType == "comm_msg" }.count, 2)
    }

    func testCommInfoListsOpenCommsFilteredByTarget() throws {
        let (sliders, _, _) = openPanel()
        let opens = outlet.iopub.filter { $0.msgType == "comm_open" }.count
        send("comm_open", ["comm_id": "control-1", "target_name": "jupyter.widget.control", "data": [:]])
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"], "opened quietly")
        for channel in [Channel.shell, .control] {
            send("comm_info_request", [:], on: channel)
            XCTAssertEqual(outlet.replies[0].content["comms"]?.objectValue?.count, opens + 1)
            send("comm_info_request", ["target_name": "jupyter.widget"], on: channel)
            let widgets = try XCTUnwrap(outlet.replies[0].content["comms"]?.objectValue)
            XCTAssertEqual(widgets.count, opens)
            XCTAssertEqual(widgets[sliders[0].content["comm_id"]!.stringValue!], ["target_name": "jupyter.widget"])
            send("comm_info_request", ["target_name": "jupyter.widget.control"], on: channel)
            XCTAssertEqual(outlet.replies[0].content["comms"], ["control-1": ["target_name": "jupyter.widget.control"]])
            send("comm_info_request", ["target_name": "nothing"], on: channel)
            XCTAssertEqual(outlet.replies[0].content["comms"], [:])
        }
        // A closed comm is no longer listed; closing it twice is ignored.
        send("comm_close", ["comm_id": sliders[0].content["comm_id"]!, "data": [:]])
        send("comm_close", ["comm_id": sliders[0].content["comm_id"]!, "data": [:]])
        send("comm_info_request", ["target_name": "jupyter.widget"])
        XCTAssertEqual(outlet.replies[0].content["comms"]?.objectValue?.count, opens - 1)
    }

    func testTheControlCommSendsEveryStateWithItsBuffers() throws {
        let (sliders, image, _) = openPanel()
        send("comm_open", ["comm_id": "control-1", "target_name": "jupyter.widget.control", "data": [:]])
        send("comm_msg", ["comm_id": "control-1", "data": ["method": "request_states"]])
        let answer = try XCTUnwrap(outlet.iopub.first { $0.msgType == "comm_msg" })
        XCTAssertEqual(answer.content["comm_id"], "control-1")
        XCTAssertEqual(answer.content["data"]?["method"], "update_states")
        let states = try XCTUnwrap(answer.content["data"]?["states"]?.objectValue)
        let imageID = image.content["comm_id"]!.stringValue!
        XCTAssertEqual(states[imageID]?["model_name"], "ImageModel")
        XCTAssertEqual(states[imageID]?["model_module"], "@jupyter-widgets/controls")
        XCTAssertEqual(states[sliders[0].content["comm_id"]!.stringValue!]?["state"]?["value"], 0)
        XCTAssertEqual(answer.content["data"]?["buffer_paths"], [[.string(imageID), "state", "value"]])
        XCTAssertEqual(answer.buffers, [[0, 0]])
        // Any other method on it is ignored.
        send("comm_msg", ["comm_id": "control-1", "data": ["method": "explode"]])
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"])
    }

    func testRequestStateAnswersWithTheWholeState() throws {
        let (_, image, _) = openPanel()
        send("comm_msg", ["comm_id": image.content["comm_id"]!, "data": ["method": "request_state"]])
        let answer = try XCTUnwrap(outlet.iopub.first { $0.msgType == "comm_msg" })
        XCTAssertEqual(answer.content["data"]?["method"], "update")
        XCTAssertEqual(answer.content["data"]?["state"]?["_model_name"], "ImageModel")
        XCTAssertEqual(answer.content["data"]?["state"]?["format"], "png")
        XCTAssertEqual(answer.content["data"]?["buffer_paths"], [["value"]])
        XCTAssertEqual(answer.buffers, [[0, 0]])
    }

    func testUnknownCommsAndTargetsAreRefusedOrIgnored() {
        send("comm_open", ["comm_id": "c-1", "target_name": "jupyter.widget", "data": [:]])
        XCTAssertEqual(outlet.iopub.filter { $0.msgType == "comm_close" }.map { $0.content["comm_id"] }, ["c-1"])
        for type in ["comm_msg", "comm_close"] {
            send(type, ["comm_id": "nobody", "data": ["method": "update", "state": ["value": 1]]])
            XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"], type)
        }
        send("comm_info_request", [:])
        XCTAssertEqual(outlet.replies[0].content["comms"], [:])
    }

    func testASilentCellShowsNoPanel() {
        send("execute_request", ["code": "panel", "silent": true])
        XCTAssertFalse(outlet.iopub.contains { $0.msgType == "comm_open" })
        send("comm_info_request", [:])
        XCTAssertEqual(outlet.replies[0].content["comms"], [:])
    }

    func testOldPanelsAreClosedPastTheLimit() {
        let first = openPanel()
        for _ in 1..<Widgets.panelLimit { _ = openPanel() }
        XCTAssertFalse(outlet.iopub.contains { $0.msgType == "comm_close" })
        _ = openPanel()
        let closed = Set(
            outlet.iopub.filter { $0.msgType == "comm_close" }.compactMap { $0.content["comm_id"]?.stringValue })
        XCTAssertTrue(closed.contains(first.image.content["comm_id"]!.stringValue!))
        _ = update(first.sliders[0], ["value": 1])
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"])
    }

    /// An SVG picture (embed's t-SNE map) goes to the Image model as `svg+xml`, which ipywidgets'
    /// ImageView turns into an `image/svg+xml` blob; a redraw sets the format of what it draws.
    func testAnSVGPictureIsSentWithItsFormat() throws {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"480\"></svg>"
        let live = LivePanel(
            ControlPanel(
                title: "a map",
                controls: [Control(.slider(minimum: 5, maximum: 50, step: 1), label: "perplexity", value: 30)],
                image: PanelImage(svg: svg, width: 640, height: 480)
            ) { _, values in PanelChange(image: PanelImage(png: [UInt8(values[0])], width: 1, height: 1)) })
        XCTAssertEqual(live.image.state["format"], "svg+xml")
        XCTAssertEqual(live.image.payload().buffers, [Array(svg.utf8)])
        live.note(0, value: 12)
        XCTAssertTrue(try live.respond().image)
        XCTAssertEqual(live.image.state["format"], "png")
        XCTAssertEqual(live.image.payload().buffers, [[12]])
    }
}
