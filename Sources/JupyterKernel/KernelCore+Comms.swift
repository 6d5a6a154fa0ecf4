import Session

/// Comms, the protocol's custom messages, and the widgets built on them. The kernel opens
/// `jupyter.widget` comms itself (one per model of a session's panel); a frontend may open
/// `jupyter.widget.control` (to get every widget's state back after a page reload). Any other
/// comm_open is answered with a comm_close (the spec's answer to a target the kernel does not
/// know); a message for a comm that is not open is ignored with a log line.
extension KernelCore {
    static let commTypes: Set<String> = ["comm_open", "comm_msg", "comm_close"]

    func handleComm(_ request: Message, outlet: MessageOutlet) {
        let commID = request.content["comm_id"]?.stringValue ?? ""
        switch request.msgType {
        case "comm_info_request":
            let target = request.content["target_name"]?.stringValue
            let comms = widgets.comms(target: target?.isEmpty == false ? target : nil)
            outlet.reply(
                reply(
                    to: request,
                    content: [
                        "status": "ok",
                        "comms": .object(comms.mapValues { ["target_name": .string($0)] }),
                    ]))
        case "comm_open":
            let target = request.content["target_name"]?.stringValue ?? ""
            if target == Widgets.controlTarget {
                widgets.openControlComm(commID)
                return
            }
            KernelLog.write(
                "ignored comm_open on shell: no comm target \(KernelLog.quoted(target)); comm_close sent for comm "
                    + KernelLog.quoted(commID))
            outlet.publish(commMessage("comm_close", commID, data: [:], parent: request))
        case "comm_close":
            if !widgets.close(commID) {
                KernelLog.write("ignored comm_close on shell: no comm \(KernelLog.quoted(commID))")
            }
        default:
            commMessage(request, commID: commID, outlet: outlet)
        }
    }

    private func commMessage(_ request: Message, commID: String, outlet: MessageOutlet) {
        let data = request.content["data"] ?? [:]
        let method = data["method"]?.stringValue ?? ""
        if widgets.isControlComm(commID) {
            guard method == "request_states" else {
                KernelLog.write("ignored comm_msg on the widget control comm: method \(KernelLog.quoted(method))")
                return
            }
            let all = widgets.allStates()
            var message = commMessage(
                "comm_msg", commID,
                data: ["method": "update_states", "states": all.states, "buffer_paths": all.bufferPaths],
                parent: request)
            message.buffers = all.buffers
            outlet.publish(message)
            return
        }
        guard let model = widgets.model(commID) else {
            KernelLog.write("ignored comm_msg on shell: no comm \(KernelLog.quoted(commID))")
            return
        }
        switch method {
        case "request_state":
            publishUpdate(model, keys: nil, method: "update", parent: request, outlet: outlet)
        case "update":
            guard let incoming = data["state"]?.objectValue else {
                KernelLog.write("ignored update for widget \(KernelLog.quoted(commID)): its state is not an object")
                return
            }
            if !request.buffers.isEmpty || !(data["buffer_paths"]?.arrayValue?.isEmpty ?? true) {
                KernelLog.write("ignored the binary buffers of an update for widget \(KernelLog.quoted(commID))")
            }
            let (accepted, refused) = model.accept(incoming)
            for reason in refused {
                KernelLog.write("ignored part of an update for widget \(KernelLog.quoted(commID)): \(reason)")
            }
            guard !accepted.isEmpty else { return }
            // Every frontend learns the value this one set (protocol 2.1), before what it causes.
            publishUpdate(model, keys: Array(accepted.keys), method: "echo_update", parent: request, outlet: outlet)
            guard let panel = widgets.panel(of: commID), let index = panel.index(of: model),
                let value = model.state["value"]?.numberValue
            else { return }
            panel.note(index, value: value)
            // A burst of moves is answered once: while another update to this panel waits in the
            // queue, only the values are taken; the last one draws.
            let waiting = outlet.queuedCommIDs()
            if panel.controlModels.contains(where: { waiting.contains($0.id) }) { return }
            respond(panel, parent: request, outlet: outlet)
        default:
            KernelLog.write(
                "ignored comm_msg for widget \(KernelLog.quoted(commID)): method \(KernelLog.quoted(method))")
        }
    }

    private func respond(_ panel: LivePanel, parent: Message, outlet: MessageOutlet) {
        // Like a cell: an interrupt before this update does not stop it; one during it does.
        interpreter.interruption.clear()
        do {
            let (controls, image) = try panel.respond()
            for model in controls {
                publishUpdate(model, keys: ["value"], method: "update", parent: parent, outlet: outlet)
            }
            if image {
                publishUpdate(
                    panel.image, keys: ["value", "format", "width"], method: "update", parent: parent, outlet: outlet)
            }
        } catch {
            KernelLog.write("a widget could not redraw its picture: \(error)")
        }
    }

    func publishUpdate(_ model: WidgetModel, keys: [String]?, method: String, parent: Message?, outlet: MessageOutlet) {
        let payload = model.payload(keys)
        var message = commMessage(
            "comm_msg", model.id,
            data: ["method": .string(method), "state": payload.state, "buffer_paths": payload.bufferPaths],
            parent: parent)
        message.buffers = payload.buffers
        outlet.publish(message)
    }

    func commMessage(
        _ type: String, _ commID: String, data: JSONValue, parent: Message?, extra: [String: JSONValue] = [:]
    )
        -> Message
    {
        var content = extra
        content["comm_id"] = .string(commID)
        content["data"] = data
        return factory.message(
            type: type, content: .object(content), parent: parent,
            metadata: type == "comm_open" ? ["version": .string(Widgets.protocolVersion)] : [:], identities: [])
    }
}

/// Shows a cell's panels as widgets: comm_open for each model, then a display_data that names
/// the root model, with the session's still picture as the fallback for frontends without
/// widgets (nbconvert, GitHub).
final class WidgetDisplay: ControlHost {
    private let core: KernelCore
    private let parent: Message
    private let outlet: MessageOutlet

    init(core: KernelCore, parent: Message, outlet: MessageOutlet) {
        self.core = core
        self.parent = parent
        self.outlet = outlet
    }

    func show(_ panel: ControlPanel, fallback: MimeBundle) {
        let live = LivePanel(panel)
        for closed in core.widgets.add(live) {
            outlet.publish(core.commMessage("comm_close", closed, data: [:], parent: parent))
        }
        for model in live.models {
            let payload = model.payload()
            var message = core.commMessage(
                "comm_open", model.id, data: ["state": payload.state, "buffer_paths": payload.bufferPaths],
                parent: parent, extra: ["target_name": .string(Widgets.widgetTarget)])
            message.buffers = payload.buffers
            outlet.publish(message)
        }
        var data = KernelCore.data(fallback).objectValue ?? [:]
        data["application/vnd.jupyter.widget-view+json"] = [
            "model_id": .string(live.root.id), "version_major": 2, "version_minor": 0,
        ]
        outlet.publish(
            core.factory.message(
                type: "display_data",
                content: ["data": .object(data), "metadata": KernelCore.metadata(fallback), "transient": [:]],
                parent: parent, identities: []))
    }
}
