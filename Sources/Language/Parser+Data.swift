extension Parser {
    /// `name(.member | [a:b] | [i] | [label d])*`
    func parseReference(_ s: inout TokenStream, _ expected: String) throws -> Reference {
        guard let t = s.peek, let w = t.word else { throw s.unexpected(expected) }
        if Vocabulary.reserved.contains(w) {
            throw Diagnostic("'\(w)' is a word of the language, not a name", range: t.range, expected: expected)
        }
        _ = s.next()
        let base = Identifier(w, t.range)
        var accessors = [Accessor]()
        while let n = s.peek {
            if n.isSymbol(".") {
                _ = s.next()
                guard let m = s.peek, let member = m.word else {
                    throw s.unexpected("a member name after '.', e.g. .train, .test, .loss")
                }
                _ = s.next()
                accessors.append(.member(Identifier(member, m.range)))
            } else if n.isSymbol("[") {
                _ = s.next()
                accessors.append(try parseSubscript(&s, opening: n.range))
            } else {
                break
            }
        }
        return Reference(base: base, accessors: accessors, range: s.range(from: t.range))
    }

    /// After `[`: `a:b`, `:b`, `a:`, `i` or `label d`, then `]`.
    func parseSubscript(_ s: inout TokenStream, opening: SourceRange) throws -> Accessor {
        let what = "a range like 0:16, an index like 0, or label 3"
        if s.consumeWord("label") {
            let d = try s.expectInteger("the label", minimum: 0)
            try s.expectSymbol("]", "']' to close the brackets")
            return .label(d.value, range: s.range(from: opening))
        }
        if let t = s.peek, let w = t.word {
            throw Diagnostic(
                "'\(w)' does not fit inside brackets", range: t.range, expected: what,
                suggestion: Suggestion.nearest(to: w, in: ["label"]))
        }
        var lower: Int?
        if !(s.peek?.isSymbol(":") ?? false) { lower = try s.expectInteger("the start").value }
        if s.consumeSymbol(":") {
            var upper: Int?
            if !(s.peek?.isSymbol("]") ?? false) { upper = try s.expectInteger("the end").value }
            try s.expectSymbol("]", "']' to close the brackets")
            return .slice(lower: lower, upper: upper, range: s.range(from: opening))
        }
        try s.expectSymbol("]", "':' or ']' (\(what))")
        guard let lower else { throw s.unexpected(what) }
        return .index(lower, range: s.range(from: opening))
    }

    /// The right-hand side of an assignment.
    func parseDataExpression(_ s: inout TokenStream) throws -> DataExpression {
        let start = s.hereRange
        guard let t = s.peek, let w = t.word else {
            throw s.unexpected("data: mnist, fashion, idx \"images\" \"labels\", or a name")
        }
        if let builtin = BuiltinDataset(rawValue: w) {
            _ = s.next()
            var train: Located<Int>?, test: Located<Int>?
            var seen = Set<String>()
            while let o = s.peek {
                guard let ow = o.word, ow == "train" || ow == "test" else {
                    throw Diagnostic(
                        "\(o.describedForLearner) is not an option of \(w)", range: o.range,
                        expected: "train N or test N (how many images of each split)",
                        suggestion: o.word.flatMap { Suggestion.nearest(to: $0, in: ["train", "test"]) })
                }
                guard seen.insert(ow).inserted else {
                    throw Diagnostic("\(ow) is given twice", range: o.range, kind: .value, expected: "each option once")
                }
                _ = s.next()
                let n = try s.expectInteger("the number of \(ow) images", minimum: 1)
                if ow == "train" { train = n } else { test = n }
            }
            return .builtin(builtin, train: train, test: test, range: s.range(from: start))
        }
        if w == "idx" {
            _ = s.next()
            let images = try s.expectString("the path of the training images file in quotes")
            let labels = try s.expectString("the path of the training labels file in quotes")
            var testImages: Located<String>?, testLabels: Located<String>?
            if s.consumeWord("test") {
                testImages = try s.expectString("the path of the test images file in quotes")
                testLabels = try s.expectString("the path of the test labels file in quotes")
            }
            try s.expectEnd("idx")
            return .idx(
                trainImages: images, trainLabels: labels, testImages: testImages, testLabels: testLabels,
                range: s.range(from: start))
        }
        if s.peek(1) != nil && !(s.peek(1)!.isSymbol(".") || s.peek(1)!.isSymbol("[")) {
            throw Diagnostic(
                "'\(w)' is not a source of data", range: t.range,
                expected: "mnist, fashion, idx \"images\" \"labels\", or the name of a dataset",
                suggestion: Suggestion.nearest(to: w, in: Vocabulary.dataSources))
        }
        return .reference(try parseReference(&s, "a dataset's name"))
    }
}
