import Language

/// `on` or `off`, for the statements that turn something on or off (`autosave`, `live`).
enum Switch: String, CaseIterable, Sendable {
    case on, off

    static let slot = Slot<Located<Switch>>.choice("on|off", "on or off")

    /// `on` or `off` when the line holds one next, else nil (the statement alone says its state).
    static func readIfPresent(_ line: inout StatementReader) throws -> Located<Switch>? {
        guard let word = line.peek?.word, Switch(rawValue: word) != nil else { return nil }
        return try line.read(slot)
    }
}
