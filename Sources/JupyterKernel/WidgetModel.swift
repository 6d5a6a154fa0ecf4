import Foundation

/// One Jupyter widget model the kernel holds (ipywidgets protocol 2.1): its comm id, its state,
/// and the state keys whose values are binary and travel as buffers (an image's `value`).
final class WidgetModel {
    /// The widget modules the kernel's models come from, at the versions ipywidgets 8 and
    /// jupyterlab_widgets 3 register (older 1.x versions do not render there).
    enum Module {
        static let base = ("@jupyter-widgets/base", "2.0.0")
        static let controls = ("@jupyter-widgets/controls", "2.0.0")
        static let output = ("@jupyter-widgets/output", "1.0.0")
    }

    /// What a frontend may change in a state key; every other key it sends is ignored.
    enum Writable {
        /// A number, brought into the control's range by `accept`.
        case number(accept: (Double) -> Double?)
    }

    let id: String
    private(set) var state: [String: JSONValue]
    private(set) var binary: [String: [UInt8]]
    let writable: [String: Writable]

    init(
        model: String, module: (String, String) = Module.controls, view: String?,
        viewModule: (String, String) = Module.controls, state: [String: JSONValue] = [:],
        binary: [String: [UInt8]] = [:], writable: [String: Writable] = [:]
    ) {
        id = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var full = state
        full["_model_name"] = .string(model)
        full["_model_module"] = .string(module.0)
        full["_model_module_version"] = .string(module.1)
        full["_view_name"] = view.map { .string($0) } ?? .null
        full["_view_module"] = .string(viewModule.0)
        full["_view_module_version"] = .string(viewModule.1)
        self.state = full
        self.binary = binary
        self.writable = writable
    }

    /// How another model's state refers to this one.
    var reference: JSONValue { .string("IPY_MODEL_\(id)") }
    var modelName: String { state["_model_name"]?.stringValue ?? "" }

    func set(_ key: String, _ value: JSONValue) { state[key] = value }
    func set(_ key: String, bytes: [UInt8]) { binary[key] = bytes }

    /// `keys` of the state (all of it when nil) as the protocol sends it: the JSON state, the
    /// paths of the binary values (`[["value"]]`) and the buffers, in the same order.
    func payload(_ keys: [String]? = nil) -> (state: JSONValue, bufferPaths: JSONValue, buffers: [[UInt8]]) {
        let wanted = keys ?? Array(state.keys) + Array(binary.keys)
        var json: [String: JSONValue] = [:]
        var paths: [JSONValue] = []
        var buffers: [[UInt8]] = []
        for key in wanted.sorted() {
            if let bytes = binary[key] {
                paths.append([.string(key)])
                buffers.append(bytes)
            } else if let value = state[key] {
                json[key] = value
            }
        }
        return (.object(json), .array(paths), buffers)
    }

    /// Takes what a frontend's `update` may change: the accepted values by key, and a reason for
    /// each key refused (the frontend and the kernel then disagree; the kernel's value stands).
    func accept(_ incoming: [String: JSONValue]) -> (accepted: [String: JSONValue], refused: [String]) {
        var accepted: [String: JSONValue] = [:]
        var refused: [String] = []
        for (key, value) in incoming.sorted(by: { $0.key < $1.key }) {
            switch writable[key] {
            case .number(let accept)?:
                if let number = value.numberValue, let kept = accept(number) {
                    accepted[key] = number == kept ? value : Self.number(kept)
                    state[key] = accepted[key]
                } else {
                    refused.append("\(key) must be a finite number, not \(Self.describe(value))")
                }
            case nil:
                refused.append("\(key) cannot be set from a frontend")
            }
        }
        return (accepted, refused)
    }

    static func number(_ value: Double) -> JSONValue {
        value == value.rounded() && abs(value) < 9e15 ? .int(Int(value)) : .double(value)
    }

    private static func describe(_ value: JSONValue) -> String {
        let text = String(decoding: value.encoded(), as: UTF8.self)
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}
