import Language

/// `delete NAME...`: forgets datasets and models.
struct Delete: SessionStatement {
    static let keyword = "delete"
    static let names = Slot<[Identifier]>("NAME...", expected: "a name to delete", completing: .names) {
        line, expected in
        var names = [try line.name(expected)]
        while !line.atEnd {
            _ = line.consumeSymbol(",")
            names.append(try line.name(expected))
        }
        return names
    }
    static let grammar = Grammar(parts: [names])
    static let help = StatementHelp(.session, "forgets datasets and models.")

    let names: [Identifier]

    static func parse(_ line: inout StatementReader) throws -> Delete { Delete(names: try line.read(names)) }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.delete(names) }
}

extension StatementContext {
    /// `delete a b`: every name must exist, or nothing is deleted.
    fileprivate func delete(_ names: [Identifier]) throws -> MimeBundle? {
        for id in names where !self.names.contains(id.value) {
            throw unknownName(id, expected: "a name to delete")
        }
        for id in names {
            self.names.delete(id.value)
            say("deleted \(id.value)")
        }
        return nil
    }
}
