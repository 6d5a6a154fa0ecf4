import Session

extension KernelCore {
    /// Runs one cell: execute_input, the output as it happens, then execute_result or error,
    /// then the reply. `silent` publishes nothing and stores nothing; `store_history` false
    /// runs without counting; a failure with `stop_on_error` aborts the cells queued behind it.
    func execute(_ request: Message, outlet: MessageOutlet) {
        let content = request.content
        let code = content["code"]?.stringValue ?? ""
        let silent = content["silent"]?.boolValue ?? false
        let storeHistory = silent ? false : (content["store_history"]?.boolValue ?? true)
        let stopOnError = content["stop_on_error"]?.boolValue ?? true

        if isAborting {
            outlet.reply(reply(to: request, content: ["status": "aborted"], metadata: ["status": "aborted"]))
            return
        }
        if storeHistory { executionCount += 1 }
        let count = executionCount
        if !silent {
            outlet.publish(
                factory.message(
                    type: "execute_input", content: ["code": .string(code), "execution_count": .int(count)],
                    parent: request, identities: []))
        }
        interpreter.interruption.clear()
        let sink = IOPubSink(parent: request, factory: factory, outlet: outlet, silent: silent)
        if !silent { sink.controls = WidgetDisplay(core: self, parent: request, outlet: outlet) }
        let outcome = interpreter.execute(code, output: sink)
        sink.close()

        switch outcome {
        case .ok(let result):
            if let result, !silent {
                outlet.publish(
                    factory.message(
                        type: "execute_result",
                        content: [
                            "execution_count": .int(count), "data": Self.data(result),
                            "metadata": Self.metadata(result),
                        ],
                        parent: request, identities: []))
            }
            if storeHistory { history.append(line: count, input: code, output: result?.text) }
            outlet.reply(
                reply(
                    to: request,
                    content: ["status": "ok", "execution_count": .int(count), "payload": [], "user_expressions": [:]],
                    metadata: ["status": "ok"]))
        case .error(let name, let message, let traceback):
            let error: JSONValue = [
                "ename": .string(name), "evalue": .string(message), "traceback": .array(traceback.map { .string($0) }),
            ]
            if !silent {
                outlet.publish(factory.message(type: "error", content: error, parent: request, identities: []))
            }
            if storeHistory { history.append(line: count, input: code, output: nil) }
            var replyContent = error.objectValue ?? [:]
            replyContent["status"] = "error"
            replyContent["execution_count"] = .int(count)
            outlet.reply(reply(to: request, content: .object(replyContent), metadata: ["status": "error"]))
            if stopOnError && !silent {
                isAborting = true
                outlet.setAsideQueued()
            }
        }
    }
}

/// The interpreter's output, published on iopub as the cell's children. Closed when the cell
/// ends, after which output (say, from a stray background task) is dropped, not misattributed.
final class IOPubSink: OutputSink, @unchecked Sendable {
    private let parent: Message
    private let factory: MessageFactory
    private let outlet: MessageOutlet
    private let silent: Bool
    private var open = true
    /// Where the cell's panels become widgets (nil for a silent request: nothing is shown).
    var controls: ControlHost?

    init(parent: Message, factory: MessageFactory, outlet: MessageOutlet, silent: Bool) {
        self.parent = parent
        self.factory = factory
        self.outlet = outlet
        self.silent = silent
    }

    var isQuiet: Bool { silent }

    func close() {
        open = false
        controls = nil
    }

    func stream(_ text: String, on stream: StreamName) {
        send("stream", ["name": .string(stream.rawValue), "text": .string(text)])
    }

    func display(_ bundle: MimeBundle, id: String?) {
        let transient: JSONValue = id.map { ["display_id": .string($0)] } ?? [:]
        send(
            "display_data",
            ["data": KernelCore.data(bundle), "metadata": KernelCore.metadata(bundle), "transient": transient])
    }

    func update(_ bundle: MimeBundle, id: String) {
        send(
            "update_display_data",
            [
                "data": KernelCore.data(bundle), "metadata": KernelCore.metadata(bundle),
                "transient": ["display_id": .string(id)],
            ])
    }

    private func send(_ type: String, _ content: JSONValue) {
        guard open, !silent else { return }
        outlet.publish(factory.message(type: type, content: content, parent: parent, identities: []))
    }
}
