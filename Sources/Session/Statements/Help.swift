import Language

extension LessonSession {
    /// `help` and `help TOPIC`, served from the embedded docs/language.md.
    func help(_ topic: Identifier?) throws -> MimeBundle {
        guard let topic else { return HelpText.bundle(HelpText.overview) }
        if let text = HelpText.section(for: topic.value) { return HelpText.bundle(text) }
        throw Diagnostic(
            "there is no help on '\(topic.value)'", range: topic.range, kind: .name,
            expected: "a statement word: " + HelpText.topics.joined(separator: ", "),
            suggestion: Suggestion.nearest(to: topic.value, in: HelpText.topics + Vocabulary.layerKinds))
    }
}

/// The sections of the language reference, by the word they explain.
enum HelpText {
    /// `### word` heading -> the section's text, heading included.
    static let sections: [String: String] = {
        var result = [String: String]()
        var current: String?
        var lines = [String]()
        func flush() {
            if let current { result[current] = lines.joined(separator: "\n").trimmingTrailingNewlines() }
        }
        for line in LanguageReference.markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("### ") {
                flush()
                current = String(line.dropFirst(4))
                lines = [String(line)]
            } else if line.hasPrefix("## ") || line.hasPrefix("# ") {
                flush()
                current = nil
                lines = []
            } else if current != nil {
                lines.append(String(line))
            }
        }
        flush()
        return result
    }()

    static var topics: [String] { sections.keys.sorted() }

    /// The reference is Markdown: notebooks render it, consoles show the text as written.
    static func bundle(_ markdown: String) -> MimeBundle {
        MimeBundle(data: ["text/plain": markdown, "text/markdown": markdown])
    }

    /// The introduction (up to the first section).
    static let overview: String = {
        let text = LanguageReference.markdown
        guard let end = text.range(of: "\n## ") else { return text }
        return String(text[..<end.lowerBound]).trimmingTrailingNewlines()
    }()

    static func section(for word: String) -> String? {
        let w = word.lowercased()
        if let s = sections[w] { return s }
        if Vocabulary.layerKinds.contains(w) || Vocabulary.activations.contains(w) || w == "layer" {
            return sections["layers"]
        }
        if Vocabulary.dataSources.contains(w) || w == "mnist" { return sections["data"] }
        for statement in Vocabulary.statements where Vocabulary.options[statement]?.contains(w) == true {
            return sections[statement]
        }
        if ["loss", "params", "count", "bare", "names", "value"].contains(w) { return sections["values"] }
        return nil
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
