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

/// The language reference with every statement's section filled in from the table. A document
/// (the "frame", docs/language.md) marks where each section goes with a line
/// `<!-- statement KEYWORD -->`; what follows it up to `<!-- end statement -->` is replaced, so
/// the document can carry the sections for readers and still never be their source.
public enum LanguageReferenceAssembly {
    public static func marker(_ keyword: String) -> String {
        "<!-- statement \(keyword): generated from its grammar and help by scripts/embed-language-reference.sh -->"
    }
    public static let endMarker = "<!-- end statement -->"
    /// Where the list of every statement word goes.
    public static let listMarker = "<!-- statement list: generated from the statement table -->"

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

    public static func assemble(frame: String, table: StatementTable) -> String {
        var out = [Substring]()
        var skipping = false
        for line in frame.split(separator: "\n", omittingEmptySubsequences: false) {
            if skipping {
                if line == endMarker { skipping = false }
                continue
            }
            if line.hasPrefix(listMarker) {
                out.append(Substring(listMarker))
                out += statementList(table).split(separator: "\n", omittingEmptySubsequences: false)
                out.append(Substring(endMarker))
                skipping = true
                continue
            }
            if line.hasPrefix("<!-- statement "), let keyword = line.dropFirst(15).split(separator: ":").first,
                let kind = table.kind(String(keyword))
            {
                out.append(Substring(marker(kind.keyword)))
                out += kind.referenceSection.split(separator: "\n", omittingEmptySubsequences: false)
                out.append(Substring(endMarker))
                skipping = true
                continue
            }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// The keywords whose markers a frame holds, in order.
    public static func markedKeywords(in frame: String) -> [String] {
        frame.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("<!-- statement "), !line.hasPrefix(listMarker) else { return nil }
            return line.dropFirst(15).split(separator: ":").first.map(String.init)
        }
    }
}
