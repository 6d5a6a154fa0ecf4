import Session

/// The kernel's message logic, free of sockets and threads: it takes one request and sends its
/// replies and side effects through a `MessageOutlet`. Every request is wrapped in status busy ...
/// idle with the request as parent; idle goes out after the reply and all output.
///
/// The shell thread calls `handle(_:on: .shell, ...)`, the control thread `handle(_:on: .control, ...)`;
/// control handles only what must be answered while a cell runs (kernel_info, interrupt,
/// shutdown, comm_info), so the interpreter is only ever used from the shell thread. A request
/// of a type its channel does not handle, or whose header or content has the wrong shape
/// (`RequestShape`), is logged and dropped.
public final class KernelCore: @unchecked Sendable {
    public enum Disposition: Equatable, Sendable {
        case carryOn
        case shutdown(restart: Bool)
    }

    let interpreter: Interpreter
    let factory: MessageFactory
    let history: HistoryStore
    let identity: KernelIdentity
    /// The widgets of the session's panels and the frontends' widget control comms.
    let widgets = Widgets()
    /// Rises once per stored execution. Shell thread only.
    public internal(set) var executionCount = 0
    /// After a failed cell with stop_on_error, queued execute requests are aborted until the
    /// shell loop has drained what was already queued and calls `finishAborting()`.
    public internal(set) var isAborting = false

    public init(interpreter: Interpreter, factory: MessageFactory, history: HistoryStore, identity: KernelIdentity) {
        self.interpreter = interpreter
        self.factory = factory
        self.history = history
        self.identity = identity
    }

    static let controlTypes: Set<String> = [
        "kernel_info_request", "interrupt_request", "shutdown_request", "comm_info_request",
    ]
    static let shellTypes: Set<String> = Set([
        "kernel_info_request", "execute_request", "complete_request", "inspect_request", "is_complete_request",
        "history_request", "comm_info_request", "shutdown_request", "interrupt_request",
    ]).union(commTypes)

    public func startingStatus() -> Message {
        factory.message(type: "status", content: ["execution_state": "starting"], parent: nil, identities: [])
    }

    public func handle(_ request: Message, on channel: Channel, outlet: MessageOutlet) -> Disposition {
        let type = request.msgType
        let known = channel == .control ? Self.controlTypes : Self.shellTypes
        guard known.contains(type) else {
            KernelLog.write("dropped \(KernelLog.quoted(type)) on \(channel.rawValue): not handled there")
            return .carryOn
        }
        if let problem = RequestShape.problem(with: request) {
            KernelLog.write("dropped \(type) on \(channel.rawValue): \(problem)")
            return .carryOn
        }
        outlet.publish(status("busy", parent: request))
        defer { outlet.publish(status("idle", parent: request)) }
        switch type {
        case "kernel_info_request":
            outlet.reply(reply(to: request, content: identity.content))
        case "execute_request":
            execute(request, outlet: outlet)
        case "complete_request":
            complete(request, outlet: outlet)
        case "inspect_request":
            inspect(request, outlet: outlet)
        case "is_complete_request":
            isComplete(request, outlet: outlet)
        case "history_request":
            outlet.reply(reply(to: request, content: historyContent(for: request.content)))
        case "comm_info_request", "comm_open", "comm_msg", "comm_close":
            handleComm(request, outlet: outlet)
        case "interrupt_request":
            interpreter.interruption.raise()
            outlet.reply(reply(to: request, content: ["status": "ok"]))
        case "shutdown_request":
            let restart = request.content["restart"]?.boolValue ?? false
            let content: JSONValue = ["status": "ok", "restart": .bool(restart)]
            outlet.reply(reply(to: request, content: content))
            // Clients not on this channel learn of it from iopub, as ipykernel tells them.
            outlet.publish(factory.message(type: "shutdown_reply", content: content, parent: request, identities: []))
            // A cell still running stops at its next safe point.
            interpreter.interruption.raise()
            return .shutdown(restart: restart)
        default:
            break
        }
        return .carryOn
    }

    public func finishAborting() { isAborting = false }

    func status(_ state: String, parent: Message) -> Message {
        factory.message(type: "status", content: ["execution_state": .string(state)], parent: parent, identities: [])
    }

    func reply(to request: Message, content: JSONValue, metadata: JSONValue = [:]) -> Message {
        let type = String(request.msgType.dropLast("_request".count)) + "_reply"
        return factory.message(type: type, content: content, parent: request, metadata: metadata)
    }

    // MARK: - complete, inspect, is_complete

    /// The cursor as the protocol gives it (Unicode scalars), clamped into the code.
    static func cursor(_ content: JSONValue, code: String) -> Int {
        let length = code.unicodeScalars.count
        return min(max(content["cursor_pos"]?.intValue ?? length, 0), length)
    }

    func complete(_ request: Message, outlet: MessageOutlet) {
        let code = request.content["code"]?.stringValue ?? ""
        let completion = interpreter.complete(code, cursor: Self.cursor(request.content, code: code))
        outlet.reply(
            reply(
                to: request,
                content: [
                    "status": "ok", "matches": .array(completion.matches.map { .string($0) }),
                    "cursor_start": .int(completion.cursorStart), "cursor_end": .int(completion.cursorEnd),
                    "metadata": [:],
                ]))
    }

    func inspect(_ request: Message, outlet: MessageOutlet) {
        let code = request.content["code"]?.stringValue ?? ""
        let level = request.content["detail_level"]?.intValue ?? 0
        let bundle = interpreter.inspect(code, cursor: Self.cursor(request.content, code: code), detailLevel: level)
        outlet.reply(
            reply(
                to: request,
                content: [
                    "status": "ok", "found": .bool(bundle != nil),
                    "data": bundle.map { Self.data($0) } ?? [:], "metadata": bundle.map { Self.metadata($0) } ?? [:],
                ]))
    }

    func isComplete(_ request: Message, outlet: MessageOutlet) {
        let code = request.content["code"]?.stringValue ?? ""
        let content: JSONValue
        switch interpreter.isComplete(code) {
        case .complete: content = ["status": "complete"]
        case .incomplete(let indent): content = ["status": "incomplete", "indent": .string(indent)]
        case .invalid: content = ["status": "invalid"]
        case .unknown: content = ["status": "unknown"]
        }
        outlet.reply(reply(to: request, content: content))
    }

    static func data(_ bundle: MimeBundle) -> JSONValue {
        var data = bundle.data.mapValues { JSONValue.string($0) }
        if data["text/plain"] == nil { data["text/plain"] = "" }
        return .object(data)
    }

    static func metadata(_ bundle: MimeBundle) -> JSONValue {
        .object(bundle.metadata.mapValues { .object($0.mapValues { .int($0) }) })
    }
}
