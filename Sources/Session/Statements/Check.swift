import Language

/// `check CONDITION ["message"]`: a condition on the session's numbers that must hold, or the cell
/// fails with the message and a caret under the comparison that does not. Lessons end with
/// checks a learner can run; graded assignments use them as their tests.
struct Check: SessionStatement {
    static let keyword = "check"
    static let condition = Slot<[Comparison]>(
        "CONDITION", expected: "a comparison, e.g. ae.loss < 0.03", completing: .names, read: readCondition)
    static let message = Slot.text("\"message\"", "the message to show when the condition does not hold")
    static let grammar = Grammar(parts: [condition, message.optional])
    static let help = StatementHelp(
        .session,
        """
        fails the cell when the condition does not hold, with the message (or the values
        compared) and a caret under the comparison; when it holds it says so in one line. A
        condition compares numbers and members with `<`, `<=`, `>`, `>=` or `==`, and joins
        comparisons with `and`. Any member that is a number can be checked (see values below);
        `shape MODEL.latent` is the size of the code, as `MODEL.latent` is. A failed check is an
        `AssertionError`, as graders such as nbgrader expect of a failed test.
        """,
        examples: [
            "check ae.loss < 0.03 \"train longer, or widen the code\"", "check ae.epochs >= 5",
            "check shape ae.latent == 16", "check data.count == 70000 and ae.layers == 4",
        ])

    /// `left OP right`, as written.
    struct Comparison: Sendable, Equatable {
        enum Operator: String, Sendable, CaseIterable {
            case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "=="

            func holds(_ a: Double, _ b: Double) -> Bool {
                switch self {
                case .less: return a < b
                case .lessOrEqual: return a <= b
                case .greater: return a > b
                case .greaterOrEqual: return a >= b
                case .equal: return a == b
                }
            }
        }

        enum Operand: Sendable, Equatable {
            case number(Located<Double>)
            /// A member (or `shape` of one, when `shape` was written).
            case value(Reference, shape: Bool)
        }

        var left: Operand
        var op: Operator
        var right: Operand
        var range: SourceRange
    }

    let comparisons: [Comparison]
    let message: Located<String>?

    static func parse(_ line: inout StatementReader) throws -> Check {
        let comparisons = try line.read(condition)
        return Check(comparisons: comparisons, message: line.atEnd ? nil : try line.read(message))
    }

    /// `comparison (and comparison)*`, up to the message or the line's end.
    static func readCondition(_ line: inout StatementReader, _ expected: String) throws -> [Comparison] {
        var comparisons = [try readComparison(&line)]
        while line.consumeWord("and") { comparisons.append(try readComparison(&line)) }
        if let t = line.peek, case .word(let w) = t.kind {
            throw Diagnostic(
                "'\(w)' does not join comparisons", range: t.range,
                expected: "and, then another comparison, or the message in quotes",
                suggestion: Suggestion.nearest(to: w, in: ["and"]))
        }
        return comparisons
    }

    static func readComparison(_ line: inout StatementReader) throws -> Comparison {
        let start = line.hereRange
        let left = try readOperand(&line)
        let op = try readOperator(&line)
        let right = try readOperand(&line)
        return Comparison(left: left, op: op, right: right, range: line.range(from: start))
    }

    static func readOperand(_ line: inout StatementReader) throws -> Comparison.Operand {
        guard let t = line.peek else { throw line.unexpected("a number or a member, e.g. ae.loss") }
        switch t.kind {
        case .number, .symbol("-"): return .number(try line.number("a number"))
        case .word("shape") where line.peek(1)?.word != nil:
            line.next()
            return .value(try line.reference("a model's code, e.g. shape ae.latent"), shape: true)
        case .word: return .value(try line.reference("a number or a member, e.g. ae.loss"), shape: false)
        default: throw line.unexpected("a number or a member, e.g. ae.loss")
        }
    }

    /// `<`, `<=`, `>`, `>=` or `==`: the sign of two symbols written side by side.
    static func readOperator(_ line: inout StatementReader) throws -> Comparison.Operator {
        let expected = "a comparison: " + Comparison.Operator.allCases.map(\.rawValue).joined(separator: ", ")
        guard let first = line.peek, case .symbol(let c) = first.kind, "<>=".contains(c) else {
            throw line.unexpected(expected)
        }
        line.next()
        var sign = String(c)
        if let second = line.peek, second.isSymbol("="), second.range.start.offset == first.range.end.offset {
            line.next()
            sign += "="
        }
        guard let op = Comparison.Operator(rawValue: sign) else {
            throw Diagnostic(
                "'\(sign)' is not a comparison", range: line.range(from: first.range), expected: expected,
                suggestion: sign == "=" ? "==" : nil)
        }
        return op
    }

    func run(_ context: StatementContext) throws -> MimeBundle? {
        var seen = [String]()
        for comparison in comparisons {
            let a = try context.number(comparison.left), b = try context.number(comparison.right)
            let shown = "\(a.text) \(comparison.op.rawValue) \(b.text)"
            guard comparison.op.holds(a.value, b.value) else {
                let values = [a, b].filter(\.isMember).map { "\($0.text) is \(learnerNumber($0.value))" }
                let because = "it does not hold: " + (values.isEmpty ? shown : values.joined(separator: ", "))
                throw Diagnostic(
                    message?.value ?? "check failed: \(shown)", range: comparison.range, kind: .check,
                    notes: message == nil ? [because] : ["check \(shown): " + because])
            }
            seen += [a, b].filter(\.isMember).map { "\($0.text) is \(learnerNumber($0.value))" }
        }
        context.say("check passed" + (seen.isEmpty ? "" : ": " + seen.joined(separator: ", ")))
        return nil
    }
}

extension StatementContext {
    /// An operand's value, with how the learner wrote it.
    fileprivate func number(_ operand: Check.Comparison.Operand) throws -> (
        value: Double, text: String, isMember: Bool
    ) {
        switch operand {
        case .number(let n): return (n.value, numberAsWritten(n.value), false)
        case .value(let reference, let shape):
            let text = (shape ? "shape " : "") + sourceName(reference)
            var namesTheCode = false
            if case .member(let m)? = reference.accessors.last { namesTheCode = m.value == "latent" }
            if shape && !namesTheCode {
                throw Diagnostic(
                    "shape here is the size of a model's code", range: reference.range, kind: .value,
                    expected: "shape MODEL.latent, e.g. shape ae.latent")
            }
            switch try resolve(reference, expected: "a model or dataset whose member to check") {
            case .number(let v): return (v, text, true)
            case .model(let m):
                throw Diagnostic(
                    "\(sourceName(reference)) is a model; a check compares numbers", range: reference.range,
                    kind: .value,
                    expected: "one of its members: "
                        + ModelMember.allCases.map { "\(m.name).\($0.rawValue)" }.joined(separator: ", "))
            case .data:
                throw Diagnostic(
                    "\(sourceName(reference)) is data; a check compares numbers", range: reference.range,
                    kind: .value, expected: "its count, e.g. \(sourceName(reference)).count")
            }
        }
    }
}
