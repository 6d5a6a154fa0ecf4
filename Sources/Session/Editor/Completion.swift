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
        let dataNames = names.dataNames

        // After a dot: members of what is before it.
        if wordStart > 0 && scalars[wordStart - 1] == "." {
            var b = wordStart - 1
            while b > 0 && (isWordScalar(scalars[b - 1]) || scalars[b - 1] == "]" || scalars[b - 1] == "[") { b -= 1 }
            let base =
                String(String.UnicodeScalarView(scalars[b..<(wordStart - 1)])).split(separator: "[").first.map(
                    String.init) ?? ""
            if names.model(base) != nil { return ModelMember.allCases.map(\.rawValue) }
            if names.data(base) != nil { return DataMember.allCases.map(\.rawValue) }
            return (DataMember.allCases.map(\.rawValue) + ModelMember.allCases.map(\.rawValue))
        }
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let indented = before.first == " " || before.first == "\t"

        if indented && insideModelBlock(scalars: scalars, lineStart: lineStart) {
            return SpecConversion.layerCompletions(after: words)
        }
        let table = StatementTable.lesson
        guard let first = words.first else { return table.words + names.order }
        if words.count >= 2 && words[1] == "=" || first.hasSuffix("=") {
            return Vocabulary.dataSources + dataNames
        }
        let last = words.last!
        if first == Vocabulary.modelKeyword {
            return Vocabulary.optionValues[last] ?? (words.count >= 2 ? Vocabulary.modelOptions : [])
        }
        guard let grammar = table.kind(first)?.grammar else { return [] }
        // After an option's word: what its value may be.
        if let option = grammar.options.first(where: { $0.word == last }) {
            return option.slot.map(candidates) ?? []
        }
        // The parts still to come, up to the first that must be written, then (when the rest may
        // be left out) the options. A part that takes a list goes on taking names.
        let written = words.count - 1
        var result = [String]()
        if written < grammar.parts.count {
            for part in grammar.parts[written...] {
                result += candidates(part.slot)
                if !part.isOptional { return result }
            }
        } else if let list = grammar.parts.last, list.slot.placeholder.hasSuffix("...") {
            return candidates(list.slot)
        }
        return result + grammar.optionWords
    }

    /// The words that may fill a slot.
    private func candidates(_ slot: SlotDescription) -> [String] {
        switch slot.completing {
        case .models: return names.modelNames
        case .data: return names.dataNames
        case .names: return names.order
        case .words(let words): return words
        case .helpTopics: return HelpText.topics
        case .nothing: return []
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
