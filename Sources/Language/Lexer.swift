/// Splits a cell into lines of tokens. Blank and comment-only lines are dropped; problems
/// (an unclosed string, a stray character) become diagnostics and lexing goes on.
public struct Lexer {
    public let scalars: [Unicode.Scalar]

    public init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    public func lex() -> (lines: [SourceLine], diagnostics: [Diagnostic]) {
        var lines = [SourceLine]()
        var diagnostics = [Diagnostic]()
        var i = 0
        var lineNumber = 1
        while i <= scalars.count {
            let lineStart = i
            var lineEnd = i
            while lineEnd < scalars.count && scalars[lineEnd] != "\n" { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > lineStart && scalars[contentEnd - 1] == "\r" { contentEnd -= 1 }
            if let line = lexLine(
                from: lineStart, to: contentEnd, number: lineNumber, diagnostics: &diagnostics)
            {
                lines.append(line)
            }
            i = lineEnd + 1
            lineNumber += 1
        }
        return (lines, diagnostics)
    }

    private func position(_ offset: Int, line: Int, lineStart: Int) -> SourcePosition {
        SourcePosition(offset: offset, line: line, column: offset - lineStart + 1)
    }

    private func text(_ from: Int, _ to: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[from..<to])
        return String(s)
    }

    private func lexLine(from start: Int, to end: Int, number: Int, diagnostics: inout [Diagnostic])
        -> SourceLine?
    {
        var i = start
        var indent = 0
        while i < end, scalars[i] == " " || scalars[i] == "\t" {
            indent += scalars[i] == "\t" ? 4 : 1
            i += 1
        }
        var tokens = [Token]()
        func range(_ a: Int, _ b: Int) -> SourceRange {
            SourceRange(
                start: position(a, line: number, lineStart: start), end: position(b, line: number, lineStart: start))
        }
        while i < end {
            let c = scalars[i]
            if c == " " || c == "\t" {
                i += 1
                continue
            }
            if c == "#" { break }
            let tokenStart = i
            if isWordStart(c) {
                while i < end && isWordPart(scalars[i]) { i += 1 }
                let w = text(tokenStart, i)
                tokens.append(Token(kind: .word(w), range: range(tokenStart, i), text: w))
            } else if isDigit(c) || (c == "." && i + 1 < end && isDigit(scalars[i + 1]) && !followsValue(tokens)) {
                var isInteger = true
                while i < end && isDigit(scalars[i]) { i += 1 }
                if i < end && scalars[i] == "." && i + 1 < end && isDigit(scalars[i + 1]) {
                    isInteger = false
                    i += 1
                    while i < end && isDigit(scalars[i]) { i += 1 }
                }
                if i < end && (scalars[i] == "e" || scalars[i] == "E") {
                    var j = i + 1
                    if j < end && (scalars[j] == "-" || scalars[j] == "+") { j += 1 }
                    if j < end && isDigit(scalars[j]) {
                        while j < end && isDigit(scalars[j]) { j += 1 }
                        i = j
                        isInteger = false
                    }
                }
                let t = text(tokenStart, i)
                if i < end && isWordStart(scalars[i]) {
                    // `250relu` or `3x`: a number glued to a word reads as a typo.
                    var j = i
                    while j < end && isWordPart(scalars[j]) { j += 1 }
                    diagnostics.append(
                        Diagnostic(
                            "'\(text(tokenStart, j))' is not a number", range: range(tokenStart, j),
                            expected: "a number, then a space before the next word"))
                    i = j
                    continue
                }
                tokens.append(
                    Token(kind: .number(Double(t) ?? 0, isInteger: isInteger), range: range(tokenStart, i), text: t))
            } else if c == "\"" {
                i += 1
                var value = String.UnicodeScalarView()
                var terminated = false
                while i < end {
                    let d = scalars[i]
                    if d == "\"" {
                        terminated = true
                        i += 1
                        break
                    }
                    if d == "\\" && i + 1 < end {
                        let e = scalars[i + 1]
                        switch e {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        default: value.append(e)
                        }
                        i += 2
                        continue
                    }
                    value.append(d)
                    i += 1
                }
                let r = range(tokenStart, i)
                if !terminated {
                    diagnostics.append(
                        Diagnostic("this string is not closed", range: r, expected: "a closing \" on the same line"))
                }
                tokens.append(
                    Token(kind: .string(String(value), terminated: terminated), range: r, text: text(tokenStart, i)))
            } else if "=:.[],()-<>".unicodeScalars.contains(c) {
                i += 1
                tokens.append(Token(kind: .symbol(Character(c)), range: range(tokenStart, i), text: String(c)))
            } else {
                i += 1
                let shown = c == "\u{201C}" || c == "\u{201D}" ? " (a curly quote; use a straight \" instead)" : ""
                diagnostics.append(
                    Diagnostic(
                        "the character '\(Character(c))' has no meaning here\(shown)", range: range(tokenStart, i),
                        expected: "words, numbers, \"strings\" and = : . [ ] , < >"))
            }
        }
        if tokens.isEmpty { return nil }
        return SourceLine(number: number, indent: indent, tokens: tokens, range: range(start, end))
    }

    private func followsValue(_ tokens: [Token]) -> Bool {
        guard let last = tokens.last else { return false }
        switch last.kind {
        case .word, .number, .string: return true
        case .symbol(let c): return c == "]" || c == ")"
        }
    }

    private func isWordStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }
    private func isWordPart(_ c: Unicode.Scalar) -> Bool {
        isWordStart(c) || isDigit(c)
    }
    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
}
