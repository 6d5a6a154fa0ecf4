/// One lexical unit of a line.
public enum TokenKind: Sendable, Equatable {
    /// A word: statement, option, name, layer kind (letters, digits, `_`; starts with a letter or `_`).
    case word(String)
    /// A number as written: `200`, `0.001`, `1e-3`.
    case number(Double, isInteger: Bool)
    /// A string in double quotes, escapes resolved; `terminated` is false when the line ended first.
    case string(String, terminated: Bool)
    /// One of `= : . [ ] , ( ) - < >`.
    case symbol(Character)
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    public var range: SourceRange
    /// The source text of the token, as written.
    public var text: String

    public init(kind: TokenKind, range: SourceRange, text: String) {
        self.kind = kind
        self.range = range
        self.text = text
    }

    public var word: String? {
        if case .word(let w) = kind { return w }
        return nil
    }

    public func isSymbol(_ c: Character) -> Bool {
        if case .symbol(let s) = kind { return s == c }
        return false
    }

    /// How the token is named in "expected X, found Y" messages.
    public var describedForLearner: String {
        switch kind {
        case .word(let w): return "'\(w)'"
        case .number: return "the number \(text)"
        case .string: return "a string"
        case .symbol(let c): return "'\(c)'"
        }
    }
}

/// The tokens of one non-blank line, with its indentation (in columns; a tab counts 4).
public struct SourceLine: Sendable, Equatable {
    public var number: Int
    public var indent: Int
    public var tokens: [Token]
    /// The whole line, without its newline.
    public var range: SourceRange
}
