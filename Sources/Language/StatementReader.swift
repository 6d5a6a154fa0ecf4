/// The line of one statement, after its keyword, as its `parse` reads it: parts through their
/// slots, then the options its grammar allows.
public struct StatementReader {
    var stream: TokenStream
    public let keyword: String
    let grammar: Grammar

    init(_ stream: TokenStream, keyword: String, grammar: Grammar) {
        self.stream = stream
        self.keyword = keyword
        self.grammar = grammar
    }

    public mutating func read<Value>(_ slot: Slot<Value>) throws -> Value { try slot.reading(&self) }

    /// Options in any order up to the line's end, each at most once; an unknown word is answered
    /// with the statement's options and the nearest of them.
    public mutating func readOptions() throws -> OptionValues {
        var given = OptionValues()
        let allowed = grammar.optionWords
        while let t = stream.peek {
            guard let w = t.word, let option = grammar.options.first(where: { $0.word == w }) else {
                let listed =
                    allowed.isEmpty
                    ? "the end of the line" : "an option of \(keyword): " + allowed.joined(separator: ", ")
                if let w = t.word {
                    throw Diagnostic(
                        "'\(w)' is not an option of \(keyword)", range: t.range, expected: listed,
                        suggestion: Suggestion.nearest(to: w, in: allowed))
                }
                throw Diagnostic("\(t.describedForLearner) does not fit here", range: t.range, expected: listed)
            }
            if let earlier = given.ranges[w] {
                throw Diagnostic(
                    "\(w) is given twice", range: t.range, kind: .value,
                    expected: "each option once (the first is at column \(earlier.start.column))")
            }
            given.ranges[w] = t.range
            _ = stream.next()
            given.values[w] = try option.reading(&self)
        }
        return given
    }

    /// A name: a word that is not a word of the language.
    public mutating func name(_ expected: String) throws -> Identifier { try stream.expectName(expected) }

    /// `name(.member | [a:b] | [i] | [label d])*`
    public mutating func reference(_ expected: String) throws -> Reference {
        try stream.readReference(expected)
    }

    public mutating func integer(_ expected: String, minimum: Int? = nil) throws -> Located<Int> {
        try stream.expectInteger(expected, minimum: minimum)
    }

    public mutating func number(_ expected: String, _ rule: NumberRule? = nil) throws -> Located<Double> {
        if let rule { return try stream.expectNumber(expected, in: rule) }
        return try stream.expectNumber(expected)
    }

    public mutating func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ what: String) throws
        -> Located<T> where T.RawValue == String
    {
        try stream.expectChoice(type, what)
    }

    public var peek: Token? { stream.peek }
    public func peek(_ k: Int) -> Token? { stream.peek(k) }
    public var atEnd: Bool { stream.atEnd }
    @discardableResult public mutating func next() -> Token? { stream.next() }
    public var hereRange: SourceRange { stream.hereRange }
    /// The token read last (after `next`).
    public var previous: Token? { stream.peek(-1) }
    public func range(from start: SourceRange) -> SourceRange { stream.range(from: start) }
    public mutating func consumeSymbol(_ c: Character) -> Bool { stream.consumeSymbol(c) }
    public mutating func expectSymbol(_ c: Character, _ expected: String) throws {
        try stream.expectSymbol(c, expected)
    }
    public mutating func consumeWord(_ w: String) -> Bool { stream.consumeWord(w) }
    public func unexpected(_ expected: String) -> Diagnostic { stream.unexpected(expected) }
    public func expectEnd() throws { try stream.expectEnd(keyword) }
}
