/// A cursor over the tokens of one line, with the helpers every statement's parser uses. A
/// mismatch throws a `Diagnostic`, which the parser records before moving to the next line.
struct TokenStream {
    let line: SourceLine
    var index = 0
    /// Words that cannot be names: the statement words and data sources of the parser's table.
    let reserved: Set<String>

    init(_ line: SourceLine, reserved: Set<String>) {
        self.line = line
        self.reserved = reserved
    }

    var tokens: [Token] { line.tokens }
    var atEnd: Bool { index >= tokens.count }
    var peek: Token? { index < tokens.count ? tokens[index] : nil }
    func peek(_ k: Int) -> Token? { index + k < tokens.count ? tokens[index + k] : nil }

    /// Where "nothing" is: just after the line's last character.
    var endRange: SourceRange {

        // Empty, so it never reaches past the source; the renderer still draws one caret.
        SourceRange(start: line.range.end, end: line.range.end)
    }
    var hereRange: SourceRange { peek?.range ?? endRange }
    /// From `start` to the end of the last consumed token.
    func range(from start: SourceRange) -> SourceRange {
        index > 0 ? start.union(tokens[min(index, tokens.count) - 1].range) : start
    }

    mutating func next() -> Token? {
        defer { index += 1 }
        return peek
    }

    func failure(_ message: String, expected: String?, suggestion: String? = nil, kind: Diagnostic.Kind = .syntax)
        -> Diagnostic
    {
        if let t = peek {
            return Diagnostic(message, range: t.range, kind: kind, expected: expected, suggestion: suggestion)
        }
        return Diagnostic(message, range: endRange, kind: kind, expected: expected, suggestion: suggestion)
    }

    /// "expected X, found Y" at the current token (or at the line's end).
    func unexpected(_ expected: String) -> Diagnostic {
        if let t = peek {
            return Diagnostic("\(t.describedForLearner) does not fit here", range: t.range, expected: expected)
        }
        return Diagnostic("the line ends too early", range: endRange, expected: expected)
    }

    mutating func consumeSymbol(_ c: Character) -> Bool {
        if peek?.isSymbol(c) == true {
            index += 1
            return true
        }
        return false
    }

    mutating func expectSymbol(_ c: Character, _ expected: String) throws {
        guard consumeSymbol(c) else { throw unexpected(expected) }
    }

    mutating func consumeWord(_ w: String) -> Bool {
        if peek?.word == w {
            index += 1
            return true
        }
        return false
    }

    /// A name for a model or dataset: a word that is not a statement or data word.
    mutating func expectName(_ what: String) throws -> Identifier {
        guard let t = peek, let w = t.word else { throw unexpected(what) }
        if reserved.contains(w) {
            throw Diagnostic(
                "'\(w)' is a word of the language and cannot be a name", range: t.range, expected: what)
        }
        index += 1
        return Identifier(w, t.range)
    }

    /// A number, with an optional leading minus.
    mutating func expectNumber(_ expected: String) throws -> Located<Double> {
        let start = hereRange
        let negative = peek?.isSymbol("-") == true
        if negative { index += 1 }
        guard let t = peek, case .number(let v, _) = t.kind else {
            if negative { index -= 1 }
            throw unexpected(expected)
        }
        index += 1
        return Located(negative ? -v : v, start.union(t.range))
    }

    /// A whole number at least `minimum`, e.g. `epochs` >= 1, `batch` >= 1.
    mutating func expectInteger(_ what: String, minimum: Int? = nil) throws -> Located<Int> {
        let n = try expectNumber(what)
        guard n.value == n.value.rounded(), abs(n.value) < 1e15 else {
            throw Diagnostic(
                "\(what) must be a whole number, not \(numberAsWritten(n.value))", range: n.range, kind: .value,
                expected: "a whole number")
        }
        let v = Int(n.value)
        if let minimum, v < minimum {
            throw Diagnostic(
                "\(what) must be at least \(minimum), not \(v)", range: n.range, kind: .value,
                expected: "a whole number from \(minimum) up")
        }
        return Located(v, n.range)
    }

    /// A layer size: a whole number from 1 up to `maximum`.
    mutating func expectSize(_ what: String, maximum: Int = 1_000_000) throws -> Located<Int> {
        let n = try expectInteger(what, minimum: 1)
        guard n.value <= maximum else {
            throw Diagnostic(
                "\(what) must be at most \(maximum), not \(n.value)", range: n.range, kind: .value,
                expected: "a whole number from 1 to \(maximum)")
        }
        return n
    }

    /// A number checked against a rule, e.g. lr > 0, dropout in [0, 1).
    mutating func expectNumber(_ what: String, in rule: NumberRule) throws -> Located<Double> {
        let n = try expectNumber(what)
        if !rule.accepts(n.value) {
            throw Diagnostic(
                "\(what) must be \(rule.description), not \(numberAsWritten(n.value))", range: n.range, kind: .value,
                expected: "a number \(rule.description)")
        }
        return n
    }

    mutating func expectString(_ what: String) throws -> Located<String> {
        guard let t = peek, case .string(let s, _) = t.kind else { throw unexpected(what) }
        index += 1
        return Located(s, t.range)
    }

    /// One word out of a fixed set, suggesting the near one on a typo.
    mutating func expectChoice<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ what: String) throws
        -> Located<T> where T.RawValue == String
    {
        try expectWord(what, words: T.allCases.map(\.rawValue), T.init(rawValue:))
    }

    /// One of `words`, as the value `value` makes of it (`mae` for the loss l1).
    mutating func expectWord<T>(_ what: String, words choices: [String], _ value: (String) -> T?) throws -> Located<T> {
        let listed = "\(what): " + choices.joined(separator: ", ")
        guard let t = peek, let w = t.word else { throw unexpected(listed) }
        guard let v = value(w.lowercased()) else {
            throw Diagnostic(
                "'\(w)' is not a \(what)", range: t.range, expected: listed,
                suggestion: Suggestion.nearest(to: w, in: choices))
        }
        index += 1
        return Located(v, t.range)
    }

    /// One word out of `words` (lower-case; a learner may write it in capitals), suggesting the
    /// near one on a typo: `expectChoice` for a list of words.
    mutating func expectWord(in words: [String], _ what: String) throws -> Located<String> {
        let listed = "\(what): " + words.joined(separator: ", ")
        guard let t = peek, let w = t.word else { throw unexpected(listed) }
        guard words.contains(w.lowercased()) else {
            throw Diagnostic(
                "'\(w)' is not a \(what)", range: t.range, expected: listed,
                suggestion: Suggestion.nearest(to: w, in: words))
        }
        index += 1
        return Located(w.lowercased(), t.range)
    }

    func expectEnd(_ what: String) throws {
        if let t = peek {
            throw Diagnostic(
                "\(t.describedForLearner) is more than \(what) takes", range: t.range,
                expected: "the end of the line (or a # comment)")
        }
    }
}

/// A number as a learner wrote it, for diagnostics that quote it back: 200, 0.001, 1.5 (not the
/// session's rounded `learnerNumber`).
public func numberAsWritten(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
    return String(v)
}
