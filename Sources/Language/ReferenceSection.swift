/// A statement's section of the language reference, made from its grammar and help: a heading, the
/// synopsis with what it does, a table of its options, and its examples. `help WORD` shows it and
/// docs/language.md carries it between markers that say where it came from.
extension StatementSyntax {
    public static var referenceSection: String {
        var lines = ["### \(keyword)", "`\(grammar.synopsis(keyword))`: " + help.text]
        if !grammar.options.isEmpty {
            lines += ["", "| option | meaning | default |", "| --- | --- | --- |"]
            for option in grammar.options {
                let written = option.slot.map { "\(option.word) \($0.placeholder)" } ?? option.word
                lines.append("| `\(written)` | \(option.meaning) | \(option.defaultText) |")
            }
        }
        if !help.examples.isEmpty {
            lines += ["", "```"] + help.examples + ["```"]
        }
        return lines.joined(separator: "\n")
    }
}

/// The parts of the language reference a statement's section goes in (docs/language.md's `##`
/// headings); within a part, sections follow the table's order.
public enum ReferencePart: String, Sendable, CaseIterable {
    case models, training, pictures, session
}

/// The language reference with every statement's section filled in from the table. A document
/// (the "frame", docs/language.md) marks where each part's statements go with a line
/// `<!-- statements: PART ... -->`; what follows it up to `<!-- end statements -->` is replaced,
/// so the document carries the sections for its readers and is still never their source. A new
/// statement names its part in its help and appears there: no document needs editing.
public enum LanguageReferenceAssembly {
    public static func marker(_ part: ReferencePart) -> String {
        "<!-- statements: \(part.rawValue) (generated from the statement table by scripts/embed-language-reference.sh) -->"
    }
    /// Where the list of every statement word goes.
    public static let listMarker = "<!-- statement list: generated from the statement table -->"
    public static let endMarker = "<!-- end statements -->"

    /// "Statements: data (`NAME = ...`), bare names, `model`, `summary`, ..."
    static func statementList(_ table: StatementTable) -> String {
        let words =
            ["Statements:", "data", "(`NAME", "=", "...`),", "bare", "names,"]
            + table.words.map { "`\($0)`," }.dropLast() + table.words.suffix(1).map { "`\($0)`." }
        // Wrapped as the rest of the document is, under 100 columns.
        var lines = [String](), line = ""
        for word in words {
            if !line.isEmpty && line.count + 1 + word.count > 96 {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return (lines + [line]).joined(separator: "\n")
    }

    /// The sections of one part, in the table's order, a blank line between them.
    static func sections(_ part: ReferencePart, _ table: StatementTable) -> String {
        table.kinds.filter { $0.help.part == part }.map { $0.referenceSection }.joined(separator: "\n\n")
    }

    public static func assemble(frame: String, table: StatementTable) -> String {
        var out = [Substring]()
        var skipping = false
        for line in frame.split(separator: "\n", omittingEmptySubsequences: false) {
            if skipping {
                if line == endMarker { skipping = false }
                continue
            }
            var generated: String?
            if line == listMarker {
                generated = statementList(table)
            } else if let part = ReferencePart.allCases.first(where: { line == marker($0) }) {
                generated = sections(part, table)
            }
            guard let generated else {
                out.append(line)
                continue
            }
            out.append(line)
            out += generated.split(separator: "\n", omittingEmptySubsequences: false)
            out.append(Substring(endMarker))
            skipping = true
        }
        return out.joined(separator: "\n")
    }

    /// The parts whose markers a frame holds, in order.
    public static func markedParts(in frame: String) -> [ReferencePart] {
        frame.split(separator: "\n").compactMap { line in ReferencePart.allCases.first { line == marker($0) } }
    }
}
