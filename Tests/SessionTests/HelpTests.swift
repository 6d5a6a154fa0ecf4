import Foundation
import Language
import XCTest

@testable import Session

/// `help` serves docs/language.md, embedded in the binary as
/// Sources/Session/Help/LanguageReference.swift; this keeps the two the same. After editing the
/// document run `scripts/embed-language-reference.sh` (no test writes a source file).
final class HelpTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

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

    func testEveryStatementHasASection() {
        for word in [
            "data", "model", "layers", "summary", "train", "why", "evaluate", "seed", "who", "print", "values",
            "save", "load", "delete", "help", "show", "reconstruct", "generate", "interpolate", "histogram", "embed",
            "weights", "traverse", "progress", "plot",
        ] {
            XCTAssertNotNil(HelpText.sections[word], word)
        }
        XCTAssertEqual(HelpText.section(for: "relu"), HelpText.sections["layers"])
        XCTAssertEqual(HelpText.section(for: "epochs"), HelpText.sections["train"])
    }

    func testEveryOptionIsDocumented() {
        let doc = LanguageReference.markdown
        for (_, options) in Language.Vocabulary.options {
            for option in options { XCTAssertTrue(doc.contains("`\(option)") || doc.contains(" \(option) "), option) }
        }
        for kind in Language.Vocabulary.layerKinds { XCTAssertTrue(doc.contains("`\(kind)"), kind) }
        for a in Language.Vocabulary.activations { XCTAssertTrue(doc.contains("`\(a)`"), a) }
    }
}
