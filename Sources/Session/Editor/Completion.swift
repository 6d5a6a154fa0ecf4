import Language

extension LessonSession {
    public func complete(_ code: String, cursor: Int) -> Completion {
        let scalars = Array(code.unicodeScalars)
        let end = max(0, min(cursor, scalars.count))
        var start = end
        while start > 0 && isWordScalar(scalars[start - 1]) { start -= 1 }
        let prefix = String(String.UnicodeScalarView(scalars[start..<end]))
        let candidates = completionCandidates(scalars: scalars, wordStart: start)
        var seen = Set<String>()
        let matches = candidates.filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
        return Completion(matches: matches, cursorStart: start, cursorEnd: end)
    }

    private func isWordScalar(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || (c >= "0" && c <= "9")
    }

    /// What may stand at `wordStart`, judged from the words before it on its line.
    private func completionCandidates(scalars: [Unicode.Scalar], wordStart: Int) -> [String] {
        var lineStart = wordStart
        while lineStart > 0 && scalars[lineStart - 1] != "\n" { lineStart -= 1 }
        let before = String(String.UnicodeScalarView(scalars[lineStart..<wordStart]))
        let modelNames = names.modelNames
        let dataNames = names.dataNames

        // After a dot: members of what is before it.
        if wordStart > 0 && scalars[wordStart - 1] == "." {
            var b = wordStart - 1
            while b > 0 && (isWordScalar(scalars[b - 1]) || scalars[b - 1] == "]" || scalars[b - 1] == "[") { b -= 1 }
            let base =
                String(String.UnicodeScalarView(scalars[b..<(wordStart - 1)])).split(separator: "[").first.map(
                    String.init) ?? ""
            if names.model(base) != nil { return Vocabulary.modelMembers }
            if names.data(base) != nil { return Vocabulary.dataMembers }
            return Vocabulary.dataMembers + Vocabulary.modelMembers
        }
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let indented = before.first == " " || before.first == "\t"

        if indented && insideModelBlock(scalars: scalars, lineStart: lineStart) {
            return SpecConversion.layerCompletions(after: words)
        }
        guard let first = words.first else { return Vocabulary.statements + names.order }
        if words.count >= 2 && words[1] == "=" || first.hasSuffix("=") {
            return Vocabulary.dataSources + dataNames
        }
        let last = words.last!
        if let values = Vocabulary.optionValues[last] { return values }
        if last == "on" || last == "around" { return dataNames }
        if first == "help" { return words.count == 1 ? HelpText.topics : [] }
        let options = Vocabulary.options[first] ?? []
        switch first {
        case "train", "evaluate", "summary", "why", "save", "reconstruct", "generate", "interpolate", "histogram",
            "weights", "traverse", "progress":
            return words.count == 1 ? modelNames : options + dataNames
        case "plot": return modelNames
        case "embed": return modelNames + dataNames + options
        case "show", "print": return dataNames + modelNames
        case "delete": return names.order
        case "load": return []
        default: return options
        }
    }

    /// Whether the line starting at `lineStart` belongs to a `model NAME:` block above it.
    private func insideModelBlock(scalars: [Unicode.Scalar], lineStart: Int) -> Bool {
        let text = String(String.UnicodeScalarView(scalars[0..<lineStart]))
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).reversed() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if line.first == " " || line.first == "\t" { continue }
            return line.hasPrefix("model ")
        }
        return false
    }
}
