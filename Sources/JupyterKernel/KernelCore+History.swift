extension KernelCore {
    /// history_reply content: `[session, line, input]` triples, or `[session, line, [input, output]]`
    /// with `output`. tail, range and search as IPython answers them.
    func historyContent(for request: JSONValue) -> JSONValue {
        let output = request["output"]?.boolValue ?? false
        let entries: [HistoryEntry]
        switch request["hist_access_type"]?.stringValue ?? "range" {
        case "tail":
            entries = history.tail(request["n"]?.intValue ?? 10)
        case "search":
            entries = history.search(
                pattern: request["pattern"]?.stringValue ?? "*", n: request["n"]?.intValue,
                unique: request["unique"]?.boolValue ?? false)
        default:
            entries = history.range(
                session: request["session"]?.intValue ?? 0, start: request["start"]?.intValue ?? 0,
                stop: request["stop"]?.intValue)
        }
        let rows: [JSONValue] = entries.map { entry in
            let third: JSONValue =
                output ? [.string(entry.input), entry.output.map { .string($0) } ?? .null] : .string(entry.input)
            return [.int(entry.session), .int(entry.line), third]
        }
        return ["status": "ok", "history": .array(rows)]
    }
}
