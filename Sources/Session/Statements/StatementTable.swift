import Language

/// A statement the session can run: its syntax (word, grammar, help, parse; see
/// `StatementSyntax`) and what it does. Each is one type in one file under Statements/.
protocol SessionStatement: StatementSyntax {
    /// Runs against the context; a returned bundle is displayed (or is the cell's result when
    /// the statement is a cell's last bare expression).
    func run(_ context: StatementContext) throws -> MimeBundle?
}

extension StatementTable {
    /// Every statement of the lesson language, in the order `help` lists them. Adding a statement
    /// is a file under Statements/ and its line here; the parser, completion, `help`, the
    /// reference and docs/language.md take it from this table.
    public static let lesson = StatementTable([
        Summary.self, Train.self, Live.self, Why.self, Evaluate.self, Seed.self, Who.self, Print.self, Check.self,
        Save.self,
        Load.self, Restore.self, Autosave.self,
        Delete.self, Help.self,
        Show.self, Reconstruct.self, Generate.self, Interpolate.self, Histogram.self, Embed.self, Weights.self,
        Traverse.self, Explore.self, Progress.self, Plot.self,
    ])
}
