import Language

/// `who`: every name of the session.
struct Who: SessionStatement {
    static let keyword = "who"
    static let grammar = Grammar()
    static let help = StatementHelp(
        .session,
        """
        every name: its kind, size, epochs trained and last loss, and the seed. A model that has
        not met data yet shows "not built yet" (`summary` builds it for 28x28x1 to show its shapes).
        """)

    static func parse(_ line: inout StatementReader) throws -> Who { Who() }
    func run(_ context: StatementContext) throws -> MimeBundle? { context.who() }
}

extension StatementContext {
    /// `who`: every name, its kind, size, epochs trained and last loss.
    fileprivate func who() -> MimeBundle {
        guard !names.isEmpty else {
            return MimeBundle(text: "the session is empty (seed \(seed)); start with: data = mnist")
        }
        var rows = [[String]]()
        for name in names.order {
            if let d = names.data(name) {
                rows.append([name, "data", "\(d.sizeText) of \(d.shapeText)", "", ""])
            } else if let m = names.model(name) {
                rows.append([
                    name, m.kindText, m.sizeText, learnerNumber(m.epochsTrained),
                    m.lastLoss.map(learnerNumber) ?? "",
                ])
            }
        }
        let table = Table(
            title: "session (seed \(seed))",
            columns: [
                ("name", .left), ("kind", .left), ("size", .left), ("epochs", .right), ("last loss", .right),
            ], rows: rows)
        return table.bundle
    }
}
