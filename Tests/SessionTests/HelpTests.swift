import Foundation
import Language
import XCTest

@testable import Session

/// `help` serves docs/language.md, embedded in the binary as
/// Sources/Session/Help/LanguageReference.swift, with each statement's section made from the
/// statement table. These keep the document, its embedded copy and the table in agreement. After
/// editing the document or a statement's help run `scripts/embed-language-reference.sh` (no test
/// writes a source file).
final class HelpTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

    /// Help topics that are not statement words: `data` (an assignment), `layers` (the lines of
    /// a model), `values` (bare names and members). `model` is a statement word.
    static let topicsBesidesStatements = ["data", "layers", "values"]

    func testEmbeddedReferenceMatchesTheDocument() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        guard LanguageReference.markdown != doc else { return }
        let embedded = LanguageReference.markdown.split(separator: "\n", omittingEmptySubsequences: false)
        let written = doc.split(separator: "\n", omittingEmptySubsequences: false)
        let line =
            (0..<min(embedded.count, written.count)).first { embedded[$0] != written[$0] }
            ?? min(embedded.count, written.count)
        XCTFail(
            "docs/language.md differs from the copy embedded in Sources/Session/Help/LanguageReference.swift "
                + "(first at line \(line + 1) of the document): run scripts/embed-language-reference.sh")
    }

    /// The document's statement sections are the ones the table makes, each statement has its
    /// place in the document, and the document names no statement the table does not have.
    func testTheDocumentsStatementSectionsAreTheTables() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        let marked = LanguageReferenceAssembly.markedParts(in: doc)
        let used = Set(StatementTable.lesson.kinds.map { $0.help.part })
        XCTAssertEqual(marked.count, Set(marked).count, "a part of the reference is marked twice in docs/language.md")
        for part in used {
            XCTAssertTrue(
                marked.contains(part),
                "docs/language.md needs a line `\(LanguageReferenceAssembly.marker(part))` where its statements go")
        }
        let assembled = LessonSession.languageReference(frame: doc)
        guard assembled != doc else { return }
        let made = assembled.split(separator: "\n", omittingEmptySubsequences: false)
        let written = doc.split(separator: "\n", omittingEmptySubsequences: false)
        let line =
            (0..<min(made.count, written.count)).first { made[$0] != written[$0] } ?? min(made.count, written.count)
        XCTFail(
            "a statement's section in docs/language.md differs from its grammar and help (first at line \(line + 1)): "
                + "run scripts/embed-language-reference.sh")
    }

    func testEveryTopicHasASection() {
        XCTAssertEqual(
            Set(HelpText.sections.keys),
            Set(StatementTable.lesson.words + Self.topicsBesidesStatements),
            "each '### word' section of docs/language.md is a statement word or one of \(Self.topicsBesidesStatements)")
        XCTAssertEqual(HelpText.section(for: "relu"), HelpText.sections["layers"])
        XCTAssertEqual(HelpText.section(for: "epochs"), HelpText.sections["train"])
        XCTAssertEqual(HelpText.section(for: "mnist"), HelpText.sections["data"])
    }

    /// A statement word or a layer kind added to the language but forgotten in completion, in
    /// `help` or in the reference fails here.
    func testEveryStatementAndLayerKindIsCompletedAndDocumented() throws {
        let t = try TestSession()
        t.run("data = mnist train 10 test 10\nmodel ae:\n    dense 8 relu\n    latent 2\n    dense 784")
        func matches(_ code: String) -> [String] { t.session.complete(code, cursor: code.unicodeScalars.count).matches }

        XCTAssertFalse(StatementTable.lesson.words.isEmpty)
        for word in StatementTable.lesson.words {
            let section = HelpText.sections[word]
            XCTAssertNotNil(section, "docs/language.md has no '### \(word)' section for `help \(word)`")
            XCTAssertEqual(HelpText.section(for: word), section, word)
            let shown =
                section.map {
                    $0.contains("`\(word)") || $0.split(separator: "\n").contains { $0.hasPrefix(word + " ") }
                }
            XCTAssertEqual(shown, true, "the section on \(word) never shows it written")
            // At the start of an empty line: the first line of a cell, a line after others, and
            // from its first letter.
            XCTAssertTrue(matches("").contains(word), "completion on an empty cell does not offer \(word)")
            XCTAssertTrue(matches("who\n").contains(word), "completion on a new line does not offer \(word)")
            XCTAssertTrue(matches(String(word.prefix(1))).contains(word), word)
            XCTAssertTrue(matches("help ").contains(word), "completion after help does not offer \(word)")
        }

        // The layers section's table has a row for each kind, starting with it.
        let layers = try XCTUnwrap(HelpText.sections["layers"])
        let lines = layers.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("| layer |") }, "the layers section has no table")
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("|") }
        XCTAssertFalse(Vocabulary.layerKinds.isEmpty)
        for kind in Vocabulary.layerKinds {
            XCTAssertTrue(
                rows.contains { $0.hasPrefix("| `\(kind)") },
                "the layers table in docs/language.md has no row for \(kind)")
            XCTAssertEqual(HelpText.section(for: kind), layers, "help \(kind) does not show the layers section")
            // At the start of a line inside a model block, empty or begun.
            XCTAssertTrue(
                matches("model m:\n    ").contains(kind), "completion in a model block does not offer \(kind)")
            XCTAssertTrue(matches("model m:\n    dense 8\n    ").contains(kind), kind)
            XCTAssertTrue(matches("model m:\n    " + kind.prefix(2)).contains(kind), kind)
        }
    }

    func testEveryOptionIsDocumented() {
        let doc = HelpText.reference
        for kind in StatementTable.lesson.kinds {
            for option in kind.grammar.optionWords {
                XCTAssertTrue(
                    HelpText.sections[kind.keyword]?.contains("| `\(option)") ?? false, "\(kind.keyword) \(option)")
            }
        }
        for option in Vocabulary.modelOptions {
            XCTAssertTrue(doc.contains("`\(option)") || doc.contains(" \(option) "), option)
        }
        for a in Language.Vocabulary.activations { XCTAssertTrue(doc.contains("`\(a)`"), a) }
    }
}
