import Foundation
import Session

/// The kernel's widgets: the models it opened for the session's panels, the frontends'
/// `jupyter.widget.control` comms, and what a frontend's comm message does to them. Cells and
/// widget events both run on the shell thread, one at a time, so a panel's `respond` never runs
/// beside a cell; only the listing of comms (comm_info, which control also answers) takes the lock.
final class Widgets: @unchecked Sendable {
    static let widgetTarget = "jupyter.widget"
    static let controlTarget = "jupyter.widget.control"
    /// The protocol version in every comm_open's metadata.
    static let protocolVersion = "2.1.0"
    /// Panels kept alive at once; the oldest is closed past this, so a notebook that explores
    /// again and again does not keep every model's network.
    static let panelLimit = 32

    private let lock = NSLock()
    private var models: [String: WidgetModel] = [:]
    /// Model ids in the order they were opened (update_states sends them in this order).
    private var order: [String] = []
    private var controlComms: Set<String> = []
    /// The panel each control model belongs to.
    private var panelOf: [String: LivePanel] = [:]
    private var panels: [LivePanel] = []

    /// Every open comm with its target, for comm_info (`target` nil: all of them).
    func comms(target: String?) -> [String: String] {
        lock.withLock {
            var all: [String: String] = [:]
            for id in models.keys { all[id] = Self.widgetTarget }
            for id in controlComms { all[id] = Self.controlTarget }
            guard let target else { return all }
            return all.filter { $0.value == target }
        }
    }

    func model(_ id: String) -> WidgetModel? { lock.withLock { models[id] } }
    func isControlComm(_ id: String) -> Bool { lock.withLock { controlComms.contains(id) } }

    func openControlComm(_ id: String) { lock.withLock { _ = controlComms.insert(id) } }

    /// The frontend closed a comm: forget it (a closed panel model stays shown, but dead).
    func close(_ id: String) -> Bool {
        lock.withLock {
            if controlComms.remove(id) != nil { return true }
            guard models.removeValue(forKey: id) != nil else { return false }
            order.removeAll { $0 == id }
            panelOf[id] = nil
            return true
        }
    }

    /// Registers the models of a new panel; returns the ids of the panel closed to make room.
    func add(_ panel: LivePanel) -> [String] {
        lock.withLock {
            for model in panel.models {
                models[model.id] = model
                order.append(model.id)
            }
            for model in panel.controlModels { panelOf[model.id] = panel }
            panels.append(panel)
            guard panels.count > Self.panelLimit else { return [] }
            let oldest = panels.removeFirst()
            let ids = oldest.models.map(\.id)
            for id in ids {
                models[id] = nil
                panelOf[id] = nil
            }
            order.removeAll { ids.contains($0) }
            return ids
        }
    }

    func panel(of id: String) -> LivePanel? { lock.withLock { panelOf[id] } }

    /// Every model's full state, as `update_states` sends it: states keyed by id, with the
    /// buffers' paths running through the id and `state`.
    func allStates() -> (states: JSONValue, bufferPaths: JSONValue, buffers: [[UInt8]]) {
        let all = lock.withLock { order.compactMap { models[$0] } }
        var states: [String: JSONValue] = [:]
        var paths: [JSONValue] = []
        var buffers: [[UInt8]] = []
        for model in all {
            let payload = model.payload()
            states[model.id] = [
                "model_name": .string(model.modelName),
                "model_module": model.state["_model_module"] ?? .null,
                "model_module_version": model.state["_model_module_version"] ?? .null,
                "state": payload.state,
            ]
            for path in payload.bufferPaths.arrayValue ?? [] {
                paths.append(.array([.string(model.id), "state"] + (path.arrayValue ?? [])))
            }
            buffers += payload.buffers
        }
        return (.object(states), .array(paths), buffers)
    }
}

/// One session panel as widgets: a slider model per control, an image model, boxes that lay
/// them out, and their layout and style models. Knows which controls moved since the panel last
/// answered, so that a burst of slider updates is answered once, for the latest values.
final class LivePanel {
    let panel: ControlPanel
    let controlModels: [WidgetModel]
    let image: WidgetModel
    let root: WidgetModel
    /// Every model, each after the ones it refers to (the order of their comm_opens).
    let models: [WidgetModel]
    private(set) var values: [Double]
    private(set) var moved: Set<Int> = []

    init(_ panel: ControlPanel) {
        self.panel = panel
        values = panel.controls.map(\.value)
        var models: [WidgetModel] = []
        func layout(_ state: [String: JSONValue] = [:]) -> JSONValue {
            let model = WidgetModel(
                model: "LayoutModel", module: WidgetModel.Module.base, view: "LayoutView",
                viewModule: WidgetModel.Module.base, state: state)
            models.append(model)
            return model.reference
        }
        func style(_ name: String, _ state: [String: JSONValue] = [:]) -> JSONValue {
            let model = WidgetModel(model: name, view: "StyleView", viewModule: WidgetModel.Module.base, state: state)
            models.append(model)
            return model.reference
        }
        controlModels = panel.controls.map { control in
            let accept: (Double) -> Double? = { control.accepted($0) }
            var state: [String: JSONValue] = [
                "description": .string(control.label), "value": WidgetModel.number(control.value),
                "continuous_update": .bool(control.continuous), "layout": layout(["width": "420px"]),
                "style": style("SliderStyleModel", ["description_width": "80px"]),
            ]
            let name: String
            switch control.kind {
            case .slider(let minimum, let maximum, let step):
                name = "FloatSlider"
                state["min"] = .double(minimum)
                state["max"] = .double(maximum)
                state["step"] = .double(step)
                state["readout_format"] = ".2f"
            case .integerSlider(let minimum, let maximum):
                name = "IntSlider"
                state["min"] = .int(minimum)
                state["max"] = .int(maximum)
                state["step"] = 1
            }
            let model = WidgetModel(
                model: name + "Model", view: name + "View", state: state, writable: ["value": .number(accept: accept)])
            models.append(model)
            return model
        }
        image = WidgetModel(
            model: "ImageModel", view: "ImageView",
            state: [
                // Its own width, shrunk (keeping its shape) where the output area is narrower: all
                // of the area but the 2 px margin ipywidgets gives a widget on either side.
                "format": .string(panel.image.format.rawValue), "width": .string(String(panel.image.width)),
                "layout": layout(["max_width": "calc(100% - 4px)", "height": "auto"]),
            ],
            binary: ["value": panel.image.bytes])
        models.append(image)
        let title = WidgetModel(
            model: "LabelModel", view: "LabelView",
            state: ["value": .string(panel.title), "layout": layout(), "style": style("LabelStyleModel")])
        models.append(title)
        let sliders = WidgetModel(
            model: "VBoxModel", view: "VBoxView",
            state: ["children": .array(controlModels.map(\.reference)), "layout": layout()])
        models.append(sliders)
        let row = WidgetModel(
            model: "HBoxModel", view: "HBoxView",
            state: [
                "children": [sliders.reference, image.reference],  // Side by side where there is room, the picture under the sliders where not.
                "layout": layout(["align_items": "center", "flex_flow": "row wrap"]),
            ])
        models.append(row)
        root = WidgetModel(
            model: "VBoxModel", view: "VBoxView",
            state: ["children": [title.reference, row.reference], "layout": layout()])
        models.append(root)
        self.models = models
    }

    func index(of model: WidgetModel) -> Int? { controlModels.firstIndex { $0 === model } }

    /// A control moved to `value` (already accepted by its model).
    func note(_ index: Int, value: Double) {
        values[index] = value
        moved.insert(index)
    }

    /// Asks the session for the change that the moves since the last answer make, and applies
    /// it to the models: the controls it moved, and the new picture.
    func respond() throws -> (controls: [WidgetModel], image: Bool) {
        let moves = moved
        moved = []
        let change = try panel.respond(moves, values)
        var changed: [WidgetModel] = []
        for (index, value) in change.values.sorted(by: { $0.key < $1.key }) where controlModels.indices.contains(index)
        {
            values[index] = value
            controlModels[index].set("value", WidgetModel.number(value))
            changed.append(controlModels[index])
        }
        if let picture = change.image {
            image.set("value", bytes: picture.bytes)
            image.set("format", .string(picture.format.rawValue))
            image.set("width", .string(String(picture.width)))
        }
        return (changed, change.image != nil)
    }
}
