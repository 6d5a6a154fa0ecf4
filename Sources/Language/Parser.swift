/// A recursive-descent parser over a cell's lines. Every mistake becomes a diagnostic and the
/// parser goes on with the next line, so a learner sees all of a cell's mistakes at once.
public struct Parser {
    public let source: String
    /// How each kind of layer line is written: the engine's layer kinds declare it, and the
    /// session hands it over (the language does not know the engine).
    public let layers: LayerGrammars

    public init(_ source: String, layers: LayerGrammars) {
        self.source = source
        self.layers = layers
    }

    /// The statements that parsed, and the diagnostics of those that did not.
    public func parse() -> (cell: Cell, diagnostics: [Diagnostic]) {
        let (lines, lexDiagnostics) = Lexer(source).lex()
        var diagnostics = lexDiagnostics
        var statements = [StatementNode]()
        // A line with a lexical problem is not parsed again: its one mistake is already named.
        let badLines = Set(lexDiagnostics.map(\.range.start.line))
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if line.tokens.first?.word == "model" && line.indent == 0 {
                var j = i + 1
                while j < lines.count && lines[j].indent > 0 { j += 1 }
                let block = Array(lines[(i + 1)..<j])
                if !badLines.contains(line.number) {
                    var problems = [Diagnostic]()
                    if let model = parseModel(header: line, body: block, badLines: badLines, diagnostics: &problems) {
                        let range = block.last.map { line.range.union($0.range) } ?? line.range
                        statements.append(StatementNode(.model(model), range: range))
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
            var stream = TokenStream(line)
            do {
                let statement = try parseStatement(&stream)
                statements.append(StatementNode(statement, range: line.range))
            } catch let d as Diagnostic {
                diagnostics.append(d)
            } catch {}
        }
        diagnostics.sort { $0.range.start.offset < $1.range.start.offset }
        return (Cell(statements: statements), diagnostics)
    }

    func parseStatement(_ s: inout TokenStream) throws -> Statement {
        guard let first = s.peek else { throw s.unexpected("a statement") }
        guard let word = first.word else {
            throw Diagnostic(
                "a line cannot start with \(first.describedForLearner)", range: first.range,
                expected: "a statement word (\(Vocabulary.statements.prefix(6).joined(separator: ", ")), ...) or a name"
            )
        }
        if s.peek(1)?.isSymbol("=") == true {
            let name = try s.expectName("a name for the data")
            _ = s.next()
            let value = try parseDataExpression(&s)
            try s.expectEnd("an assignment")
            return .assign(name: name, value: value)
        }
        switch word {
        case "summary":
            _ = s.next()
            let name = try s.expectName("the model's name")
            try s.expectEnd("summary")
            return .summary(name)
        case "why":
            _ = s.next()
            let name = try s.expectName("the model's name")
            try s.expectEnd("why")
            return .why(name)
        case "train": return try parseTrain(&s)
        case "evaluate":
            _ = s.next()
            let model = try s.expectName("the model's name")
            var on: Reference?
            try parseOptions(&s, statement: "evaluate") { name, s in
                on = try parseReference(&s, "the data to evaluate on, e.g. data.test")
            }
            return .evaluate(model: model, on: on)
        case "seed":
            _ = s.next()
            let n = try s.expectInteger("the seed", minimum: 0)
            try s.expectEnd("seed")
            return .seed(n)
        case "who":
            _ = s.next()
            try s.expectEnd("who")
            return .who
        case "print":
            _ = s.next()
            var items = [PrintItem]()
            while let t = s.peek {
                switch t.kind {
                case .string(let text, _):
                    _ = s.next()
                    items.append(.text(Located(text, t.range)))
                case .number, .symbol("-"):
                    items.append(.number(try s.expectNumber("a number")))
                case .word:
                    items.append(.value(try parseReference(&s, "a name")))
                default:
                    throw s.unexpected("a \"string\", a number or a name to print")
                }
                _ = s.consumeSymbol(",")
            }
            return .print(items)
        case "save":
            _ = s.next()
            let model = try s.expectName("the model's name")
            let path = try s.expectString("a file name in quotes, e.g. \"ae.model\"")
            try s.expectEnd("save")
            return .save(model: model, path: path)
        case "load":
            _ = s.next()
            let name = try s.expectName("a name for the loaded model")
            let path = try s.expectString("a file name in quotes, e.g. \"ae.model\"")
            try s.expectEnd("load")
            return .load(name: name, path: path)
        case "delete":
            _ = s.next()
            var names = [try s.expectName("a name to delete")]
            while !s.atEnd {
                _ = s.consumeSymbol(",")
                names.append(try s.expectName("a name to delete"))
            }
            return .delete(names)
        case "help":
            _ = s.next()
            var topic: Identifier?
            if let t = s.next() {
                guard let w = t.word else {
                    throw Diagnostic("help takes a word", range: t.range, expected: "a statement word, e.g. help train")
                }
                topic = Identifier(w, t.range)
            }
            try s.expectEnd("help")
            return .help(topic: topic)
        case "model":
            throw Diagnostic(
                "a model block must start at the beginning of a line", range: first.range,
                expected: "model NAME: at the start of a line, with its layers indented below")
        default:
            if Vocabulary.pictureStatements.contains(word) { return .picture(try parsePicture(&s)) }
            if Vocabulary.dataSources.contains(word) {
                throw Diagnostic(
                    "'\(word)' makes a dataset that needs a name", range: first.range,
                    expected: "an assignment, e.g. data = \(word)")
            }
            // A bare name shows its value; anything else after it is an unknown statement.
            if let next = s.peek(1), !(next.isSymbol(".") || next.isSymbol("[")) {
                throw Diagnostic(
                    "'\(word)' is not a statement", range: first.range,
                    expected: "a statement word: " + Vocabulary.statements.joined(separator: ", "),
                    suggestion: Suggestion.nearest(to: word, in: Vocabulary.statements))
            }
            let reference = try parseReference(&s, "a name")
            if !s.atEnd {
                throw Diagnostic(
                    "'\(word)' is not a statement", range: first.range,
                    expected: "a statement word: " + Vocabulary.statements.joined(separator: ", "),
                    suggestion: Suggestion.nearest(to: word, in: Vocabulary.statements))
            }
            return .expression(reference)
        }
    }

    func parseTrain(_ s: inout TokenStream) throws -> Statement {
        _ = s.next()
        var train = TrainSyntax(model: try s.expectName("the model's name"))
        try parseOptions(&s, statement: "train") { name, s in
            switch name {
            case "on": train.data = try parseReference(&s, "the data to train on, e.g. data")
            case "epochs": train.epochs = try s.expectInteger("epochs", minimum: 1)
            case "steps": train.steps = try s.expectInteger("steps", minimum: 1)
            case "batch": train.batch = try s.expectInteger("batch", minimum: 1)
            case "loss": train.loss = try s.expectChoice(LossName.self, "loss")
            case "optimizer": train.optimizer = try s.expectChoice(OptimizerName.self, "optimizer")
            case "lr": train.learningRate = try s.expectNumber("lr", in: .positive)
            default: train.noise = try parseNoise(&s)
            }
        }
        if let e = train.epochs, let st = train.steps {
            throw Diagnostic(
                "give epochs or steps, not both", range: st.range, kind: .value,
                expected: "either epochs \(e.value) or steps \(st.value)")
        }
        return .train(train)
    }

    func parseNoise(_ s: inout TokenStream) throws -> Located<NoiseSyntax> {
        let start = s.hereRange
        guard let t = s.peek, let w = t.word else {
            throw s.unexpected("a kind of noise: gaussian STD, mask P or none")
        }
        switch w {
        case "gaussian":
            _ = s.next()
            let std = try s.expectNumber("the noise's standard deviation", in: .nonNegative)
            return Located(.gaussian(std.value), start.union(std.range))
        case "mask":
            _ = s.next()
            let p = try s.expectNumber("the masked fraction", in: .fraction)
            return Located(.mask(p.value), start.union(p.range))
        case "none":
            _ = s.next()
            return Located(.none, t.range)
        default:
            throw Diagnostic(
                "'\(w)' is not a kind of noise", range: t.range, expected: "gaussian STD, mask P or none",
                suggestion: Suggestion.nearest(to: w, in: ["gaussian", "mask", "none"]))
        }
    }

    /// `name value` pairs in any order; each name at most once; an unknown name is answered
    /// with the statement's options and the nearest of them.
    func parseOptions(
        _ s: inout TokenStream, statement: String, _ parseValue: (String, inout TokenStream) throws -> Void
    ) throws {
        let allowed = Vocabulary.options[statement] ?? []
        var seen = [String: SourceRange]()
        while let t = s.peek {
            guard let w = t.word, allowed.contains(w) else {
                let listed =
                    allowed.isEmpty
                    ? "the end of the line" : "an option of \(statement): " + allowed.joined(separator: ", ")
                if let w = t.word {
                    throw Diagnostic(
                        "'\(w)' is not an option of \(statement)", range: t.range, expected: listed,
                        suggestion: Suggestion.nearest(to: w, in: allowed))
                }
                throw Diagnostic("\(t.describedForLearner) does not fit here", range: t.range, expected: listed)
            }
            if let earlier = seen[w] {
                throw Diagnostic(
                    "\(w) is given twice", range: t.range, kind: .value,
                    expected: "each option once (the first is at column \(earlier.start.column))")
            }
            seen[w] = t.range
            _ = s.next()
            try parseValue(w, &s)
        }
    }
}
