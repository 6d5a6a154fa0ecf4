/// References to datasets and models, with their members and subscripts.
extension TokenStream {
    /// `name(.member | [a:b] | [i] | [label d])*`
    mutating func readReference(_ expected: String) throws -> Reference {
        guard let t = peek, let w = t.word else { throw unexpected(expected) }
        if reserved.contains(w) {
            throw Diagnostic("'\(w)' is a word of the language, not a name", range: t.range, expected: expected)
        }
        _ = next()
        let base = Identifier(w, t.range)
        var accessors = [Accessor]()
        while let n = peek {
            if n.isSymbol(".") {
                _ = next()
                guard let m = peek, let member = m.word else {
                    throw unexpected("a member name after '.', e.g. .train, .test, .loss")
                }
                _ = next()
                accessors.append(.member(Identifier(member, m.range)))
            } else if n.isSymbol("[") {
                _ = next()
                accessors.append(try readSubscript(opening: n.range))
            } else {
                break
            }
        }
        return Reference(base: base, accessors: accessors, range: range(from: t.range))
    }

    /// After `[`: `a:b`, `:b`, `a:`, `i` or `label d`, then `]`.
    mutating func readSubscript(opening: SourceRange) throws -> Accessor {
        let what = "a range like 0:16, an index like 0, or label 3"
        if consumeWord("label") {
            let d = try expectInteger("the label", minimum: 0)
            try expectSymbol("]", "']' to close the brackets")
            return .label(d.value, range: range(from: opening))
        }
        if let t = peek, let w = t.word {
            throw Diagnostic(
                "'\(w)' does not fit inside brackets", range: t.range, expected: what,
                suggestion: Suggestion.nearest(to: w, in: ["label"]))
        }
        var lower: Int?
        if !(peek?.isSymbol(":") ?? false) { lower = try expectInteger("the start").value }
        if consumeSymbol(":") {
            var upper: Int?
            if !(peek?.isSymbol("]") ?? false) { upper = try expectInteger("the end").value }
            try expectSymbol("]", "']' to close the brackets")
            return .slice(lower: lower, upper: upper, range: range(from: opening))
        }
        try expectSymbol("]", "':' or ']' (\(what))")
        guard let lower else { throw unexpected(what) }
        return .index(lower, range: range(from: opening))
    }
}
