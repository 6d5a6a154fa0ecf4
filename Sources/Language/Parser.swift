/// A recursive-descent parser over a cell's lines. Every mistake becomes a diagnostic and the
/// parser goes on with the next line, so a learner sees all of a cell's mistakes at once.
public struct Parser {
    public let source: String
    /// The keyword statements this parser knows (the session's table).
    public let statements: StatementTable
    /// How each kind of layer line is written: the engine's layer kinds declare it, and the
    /// session hands it over (the language does not know the engine).
    public let layers: LayerGrammars

    /// Words that cannot be names.
    let reserved: Set<String>

    public init(_ source: String, statements: StatementTable, layers: LayerGrammars) {
        self.source = source
        self.statements = statements
        self.layers = layers
        self.reserved = statements.reserved
    }

    /// The statements that parsed, and the diagnostics of those that did not.
    public func parse() -> (cell: Cell, diagnostics: [Diagnostic]) {
        let (lines, lexDiagnostics) = Lexer(source).lex()
        var diagnostics = lexDiagnostics
        var nodes = [StatementNode]()
        // A line with a lexical problem is not parsed again: its one mistake is already named.
        let badLines = Set(lexDiagnostics.map(\.range.start.line))
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.tokens.first?.word == Vocabulary.modelKeyword && line.indent == 0 {
                var j = i + 1
                while j < lines.count && lines[j].indent > 0 { j += 1 }
                let block = Array(lines[(i + 1)..<j])
                if !badLines.contains(line.number) {
                    var problems = [Diagnostic]()
                    if let model = parseModel(header: line, body: block, badLines: badLines, diagnostics: &problems) {
                        let range = block.last.map { line.range.union($0.range) } ?? line.range
                        nodes.append(StatementNode(.model(model), range: range))
                    }
                    diagnostics += problems
                }
                i = j
                continue
            }
            i += 1
            if badLines.contains(line.number) { continue }
            if line.indent > 0 {
                diagnostics.append(
                    Diagnostic(
                        "this line is indented but no model block is open", range: line.tokens[0].range,
                        expected: "a statement at the start of the line (only a model's layers are indented)"))
                continue
            }
            var stream = TokenStream(line, reserved: reserved)
            do {
                let statement = try parseStatement(&stream)
                nodes.append(StatementNode(statement, range: line.range))
            } catch let d as Diagnostic {
                diagnostics.append(d)
            } catch {}
        }
        diagnostics.sort { $0.range.start.offset < $1.range.start.offset }
        return (Cell(statements: nodes), diagnostics)
    }

    func parseStatement(_ s: inout TokenStream) throws -> Statement {
        guard let first = s.peek else { throw s.unexpected("a statement") }
        guard let word = first.word else {
            throw Diagnostic(
                "a line cannot start with \(first.describedForLearner)", range: first.range,
                expected: "a statement word (\(statements.words.prefix(6).joined(separator: ", ")), ...) or a name"
            )
        }
        if s.peek(1)?.isSymbol("=") == true {
            let name = try s.expectName("a name for the data")
            _ = s.next()
            let value = try parseDataExpression(&s)
            try s.expectEnd("an assignment")
            return .assign(name: name, value: value)
        }
        if word == Vocabulary.modelKeyword {
            throw Diagnostic(
                "a model block must start at the beginning of a line", range: first.range,
                expected: "model NAME: at the start of a line, with its layers indented below")
        }
        if let kind = statements.kind(word) {
            _ = s.next()
            var line = StatementReader(s, keyword: word, grammar: kind.grammar)
            let statement = try kind.parse(&line)
            try line.expectEnd()
            return .command(statement)
        }
        if Vocabulary.dataSources.contains(word) {
            throw Diagnostic(
                "'\(word)' makes a dataset that needs a name", range: first.range,
                expected: "an assignment, e.g. data = \(word)")
        }
        // A bare name shows its value; anything else after it is an unknown statement.
        let notAStatement = Diagnostic(
            "'\(word)' is not a statement", range: first.range,
            expected: "a statement word: " + statements.words.joined(separator: ", "),
            suggestion: Suggestion.nearest(to: word, in: statements.words))
        if let next = s.peek(1), !(next.isSymbol(".") || next.isSymbol("[")) { throw notAStatement }
        let reference = try s.readReference("a name")
        if !s.atEnd { throw notAStatement }
        return .expression(reference)
    }
}
