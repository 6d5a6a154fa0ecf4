import Foundation
import Language
import XCTest

@testable import Session

/// `help` serves docs/language.md, embedded in the binary; this keeps the two the same.
/// After editing the document: `LATENT_RECORD=1 swift test --filter HelpTests`.
final class HelpTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

    func testEmbeddedReferenceMatchesTheDocument() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/language.md"), encoding: .utf8)
        if ProcessInfo.processInfo.environment["LATENT_RECORD"] == "1" {
            let swift = """
                /// docs/language.md, embedded so that the binary needs no file. Generated: run
                /// `LATENT_RECORD=1 swift test --filter HelpTests` after editing the document.
                enum LanguageReference {
                    static let markdown = #\"\"\"
                \(doc)
                \"\"\"#
                }

                """
            try swift.write(
                to: Self.root.appendingPathComponent("Sources/Session/Help/LanguageReference.swift"), atomically: true,
                encoding: .utf8)
            return
        }
        XCTAssertEqual(LanguageReference.markdown, doc, "re-embed docs/language.md with LATENT_RECORD=1")
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
