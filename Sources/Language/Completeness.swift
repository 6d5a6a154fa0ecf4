/// Whether a cell typed so far can run (for a console's "press Enter to run or go on?").
public enum SyntaxCompleteness: Sendable, Equatable {
    case complete
    /// More lines are expected; the next line should start with `indent`.
    case incomplete(indent: String)
    case invalid
}

extension Parser {
    /// Incomplete inside an open model block or after an unclosed string; invalid when the cell
    /// cannot parse; complete otherwise. A console asks on every Enter, so, as in IPython, one
    /// empty (or auto-indented, whitespace-only) last line closes a block that has layers; a
    /// header with no layers yet stays open until a second blank line.
    public static func completeness(of source: String, statements: StatementTable, layers: LayerGrammars)
        -> SyntaxCompleteness
    {
        let (lines, lexDiagnostics) = Lexer(source).lex()
        guard let last = lines.last else { return .complete }
        if lexDiagnostics.contains(where: { $0.range.start.line == last.number && $0.message.contains("not closed") }) {
            return .incomplete(indent: "")
        }
        let rawLines = source.split(separator: "\n", omittingEmptySubsequences: false)
        // After the last statement's line come only blank, whitespace or comment lines.
        let after = rawLines.count > last.number ? rawLines[last.number...] : []
        let blankLinesAfter = after.filter { $0.allSatisfy(\.isWhitespace) }.count
        let endsBlank = after.last?.allSatisfy(\.isWhitespace) ?? false
        var i = lines.count - 1
        while i > 0 && lines[i].indent > 0 { i -= 1 }
        let header = lines[i]
        let opensBlock =
            header.indent == 0 && header.tokens.first?.word == "model" && header.tokens.last?.isSymbol(":") == true
        let hasLayers = i < lines.count - 1
        let closed = blankLinesAfter >= 2 || (endsBlank && hasLayers)
        if opensBlock && !closed {
            let (_, diagnostics) = Parser(source, statements: statements, layers: layers).parse()
            // Only the missing body (or missing latent) may be wrong while the block is open.
            let blocking = diagnostics.filter {
                !($0.range.start.line == header.number && ($0.message.contains("has no")))
            }
            return blocking.isEmpty ? .incomplete(indent: "    ") : .invalid
        }
        return Parser(source, statements: statements, layers: layers).parse().diagnostics.isEmpty ? .complete : .invalid
    }
}
