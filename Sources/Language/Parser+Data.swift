extension Parser {
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
        return .reference(try s.readReference("a dataset's name"))
    }
}
