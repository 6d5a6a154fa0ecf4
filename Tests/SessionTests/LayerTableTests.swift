import Language
import Neural
import XCTest

@testable import Session

/// The session hands the engine's layer kinds to the language: the parser, completion and `help`
/// read every kind's grammar from `LayerSpec.kinds`, and a parsed line becomes the kind's spec.
final class LayerTableTests: XCTestCase {
    /// After a kind's keyword, completion offers what its grammar says may follow; after a
    /// word-valued option, that option's words. The reference documents every option word.
    func testEveryKindsWordsAreCompletedAndDocumented() throws {
        let t = try TestSession()
        func matches(_ code: String) -> [String] { t.session.complete(code, cursor: code.unicodeScalars.count).matches }
        let layers = try XCTUnwrap(HelpText.sections["layers"])
        XCTAssertFalse(LayerSpec.grammars.all.isEmpty)
        for grammar in LayerSpec.grammars.all {
            let offered = matches("model m:\n    \(grammar.keyword) ")
            XCTAssertEqual(offered, grammar.followingWords, grammar.keyword)
            for (option, words) in grammar.optionValues {
                XCTAssertEqual(matches("model m:\n    \(grammar.keyword) 4 \(option) "), words, option)
            }
            for option in grammar.optionWords {
                XCTAssertTrue(
                    layers.contains("`\(option)"), "the layers section of docs/language.md never shows `\(option)`")
            }
        }
        XCTAssertEqual(matches("model m:\n    conv 4 padding "), ["same", "valid"])
        XCTAssertEqual(matches("model m:\n    pool "), ["max", "avg"])
        XCTAssertEqual(matches("model m:\n    dense 8 "), Vocabulary.activations + ["dropout"])
        XCTAssertEqual(matches("model m:\n    dens 8 "), Vocabulary.activations, "an unknown kind: its activations")
    }

    /// A value a kind refuses after the parser read it is pointed at, by the name the kind gives.
    func testAValueAKindRefusesIsPointedAt() throws {
        let source = "model m:\n    dense 4 relu\n    latent 2"
        let (cell, diagnostics) = Parser(source).parse()
        XCTAssertEqual(diagnostics, [])
        guard case .model(let model)? = cell.statements.first?.statement else { return XCTFail("not a model") }
        var layer = model.layers[0]
        XCTAssertEqual(try SpecConversion.spec(layer), .dense(units: 4, activation: .relu, dropout: nil))
        layer.line.values["units"] = .word("four")
        XCTAssertThrowsError(try SpecConversion.spec(layer)) { error in
            let d = error as? Diagnostic
            XCTAssertEqual(d?.kind, .value)
            XCTAssertEqual(d?.message, "dense needs a whole number for units")
            XCTAssertEqual(d?.range, layer.ranges["units"])
        }
    }
}
