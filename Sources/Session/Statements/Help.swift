import Language

/// `help [TOPIC]`: the language reference, or one section of it.
struct Help: SessionStatement {
    static let keyword = "help"
    static let topic = Slot<Identifier>(
        "STATEMENT", expected: "a statement word, e.g. help train", completing: .helpTopics
    ) {
        line, expected in
        guard let t = line.next() else { throw line.unexpected(expected) }
        guard let w = t.word else { throw Diagnostic("help takes a word", range: t.range, expected: expected) }
        return Identifier(w, t.range)
    }
    static let grammar = Grammar(parts: [topic.optional])
    static let help = StatementHelp(
        .session, "`help` lists the statements; `help STATEMENT` shows one of them; `help layers` the layer kinds.")

    let topic: Identifier?

    static func parse(_ line: inout StatementReader) throws -> Help {
        Help(topic: line.atEnd ? nil : try line.read(topic))
    }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.help(topic) }
}

extension StatementContext {
    /// `help` and `help TOPIC`, served from the embedded docs/language.md.
    fileprivate func help(_ topic: Identifier?) throws -> MimeBundle {
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
    /// The reference: docs/language.md as embedded, with each statement's section made from the
    /// statement table (so the embedded copy's sections are never what a learner reads).
    static let reference = LanguageReferenceAssembly.assemble(frame: LanguageReference.markdown, table: .lesson)

    /// `### word` heading -> the section's text, heading included.
    static let sections: [String: String] = {
        var result = [String: String]()
        var current: String?
        var lines = [String]()
        func flush() {
            if let current { result[current] = lines.joined(separator: "\n").trimmingTrailingNewlines() }
        }
        for line in reference.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix("<!-- ") {
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
        let text = reference.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("<!-- ") }.joined(separator: "\n")
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
        for kind in StatementTable.lesson.kinds where kind.grammar.optionWords.contains(w) {
            return sections[kind.keyword]
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

extension LessonSession {
    /// The language reference with the statements' sections made from the table; `frame` is a
    /// copy of docs/language.md to fill in (the embedded one when nil).
    public static func languageReference(frame: String? = nil) -> String {
        frame.map { LanguageReferenceAssembly.assemble(frame: $0, table: .lesson) } ?? HelpText.reference
    }
}
