import XCTest

@testable import Language

/// The parser reads layer lines by whatever grammars it is given (LayerGrammar, in Terms): here a
/// table of made-up kinds, so that every form a kind may declare is read, and refused, as the
/// engine's kinds' are.
final class LayerGrammarTests: XCTestCase {
    static let table = LayerGrammars([
        LayerGrammar("code", arguments: [LayerArgument("width", .size("the width"))], isLatent: true),
        LayerGrammar(
            "scale", arguments: [LayerArgument("by", .number("the factor", .positive))],
            options: [
                LayerOption("mode", .choice("mode", ["fast", "exact"]), default: .word("fast")),
                LayerOption("clip"),
                LayerOption("limit", .size("the limit", maximum: 10)),
            ]),
        LayerGrammar(
            "mix",
            arguments: [
                LayerArgument("how", .choice("way of mixing", ["sum", "mean"]), .optional(default: .word("sum"))),
                LayerArgument("span", .size("the span", maximum: 9), .optional(default: .integer(2))),
            ]),
        LayerGrammar(
            "shape", arguments: [LayerArgument("sizes", .size("a size"), .repeated(maximum: 2))],
            ending: "shape (two sizes at most)"),
        LayerGrammar(
            "squash", options: [LayerOption("hard")], takesActivation: true,
            conflicts: [LayerConflict(["hard", LayerLine.activationSlot], message: "a hard squash", expected: "one")]),
    ])

    private func parse(_ line: String) -> (LayerSyntax?, [Diagnostic]) {
        let (cell, diagnostics) = Parser(
            "model m:\n    " + line + "\n    code 2", statements: .empty, layers: Self.table
        ).parse()
        guard case .model(let m)? = cell.statements.first?.statement else { return (nil, diagnostics) }
        return (m.layers.first, diagnostics)
    }

    private func line(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> LayerLine? {
        let (layer, diagnostics) = parse(text)
        XCTAssertEqual(diagnostics, [], file: file, line: line)
        return layer?.line
    }

    private func mistake(_ text: String) -> String {
        let source = "model m:\n    " + text + "\n    code 2"
        let diagnostics = Parser(source, statements: .empty, layers: Self.table).parse().diagnostics
        return DiagnosticRenderer(source: source).render(diagnostics)
    }

    func testValuesDefaultsAndWhereTheyWereWritten() throws {
        XCTAssertEqual(line("scale 2"), LayerLine("scale", ["by": .number(2), "mode": .word("fast")]))
        XCTAssertEqual(
            line("scale 0.5 clip mode EXACT limit 3"),
            LayerLine("scale", ["by": .number(0.5), "mode": .word("exact"), "clip": .flag, "limit": .integer(3)]))
        let layer = try XCTUnwrap(parse("scale 2 mode exact").0)
        XCTAssertEqual(layer.range(of: "mode").start.column, 13)
        XCTAssertEqual(layer.range(of: "mode").end.column, 23)
        XCTAssertEqual(layer.range(of: "by").start.column, 11)
        XCTAssertEqual(layer.range(of: "clip"), layer.range, "not written: the whole line")
        XCTAssertEqual(line("mix"), LayerLine("mix", ["how": .word("sum"), "span": .integer(2)]))
        XCTAssertEqual(line("mix 4"), LayerLine("mix", ["how": .word("sum"), "span": .integer(4)]))
        XCTAssertEqual(line("mix mean"), LayerLine("mix", ["how": .word("mean"), "span": .integer(2)]))
        XCTAssertEqual(line("shape 3 4"), LayerLine("shape", ["sizes": .list([.integer(3), .integer(4)])]))
        XCTAssertEqual(line("squash tanh")?.activation, .tanh)
    }

    func testMistakesAreNamedAsTheGrammarSays() {
        XCTAssertEqual(
            mistake("scale 0"),
            """
            line 2: the factor must be greater than 0, not 0
                    scale 0
                          ^
            expected a number greater than 0
            """)
        XCTAssertEqual(
            mistake("scale 2 relu"),
            """
            line 2: 'relu' is not an option of scale
                    scale 2 relu
                            ^^^^
            expected an option of scale: mode, clip, limit
            """)
        XCTAssertEqual(
            mistake("scale 2 3"),
            """
            line 2: the number 3 does not fit here
                    scale 2 3
                            ^
            expected an option of scale (mode, clip, limit) or the end of the line
            """)
        XCTAssertTrue(mistake("scale 2 mode exakt").contains("did you mean 'exact'?"))
        XCTAssertTrue(mistake("scale 2 clip clip").contains("clip is given twice"))
        XCTAssertTrue(mistake("scale 2 limit 11").contains("the limit must be at most 10, not 11"))
        XCTAssertTrue(mistake("mix 2 sum").contains("'sum' is more than mix takes"))
        XCTAssertTrue(mistake("mix avg").contains("'avg' is not a way of mixing"))
        XCTAssertTrue(mistake("shape 1 2 3").contains("the number 3 is more than shape (two sizes at most) takes"))
        XCTAssertTrue(mistake("squash hard relu").contains("line 2: a hard squash"))
        XCTAssertTrue(mistake("squash relu sigmoid").contains("sigmoid is given twice"))
        // Only the table's kinds are layer kinds.
        XCTAssertTrue(mistake("dense 4").contains("expected a layer kind: code, scale, mix, shape, squash"))
        XCTAssertTrue(mistake("relu").contains("'relu' is an activation, not a layer"))
    }

    func testTheTablesLatentKindIsTheBottleneck() {
        let twice = Parser("model m:\n    code 2\n    code 3", statements: .empty, layers: Self.table).parse()
            .diagnostics
        XCTAssertEqual(twice.map(\.message), ["model m has a second latent line"])
        let none = Parser("model m:\n    scale 2", statements: .empty, layers: Self.table).parse().diagnostics
        XCTAssertEqual(none.map(\.message), ["model m has no latent layer"])
        XCTAssertEqual(
            Parser.completeness(of: "model m:\n    scale 2\n    code 2\n", statements: .empty, layers: Self.table),
            .complete)
        XCTAssertEqual(
            Parser.completeness(of: "model m:\n    dense 2\n    code 2\n", statements: .empty, layers: Self.table),
            .invalid)
    }

    func testWordsOfferedAfterTheKeyword() {
        XCTAssertEqual(Self.table[keyword: "scale"]?.followingWords, ["mode", "clip", "limit"])
        XCTAssertEqual(Self.table[keyword: "scale"]?.optionValues, ["mode": ["fast", "exact"]])
        XCTAssertEqual(Self.table[keyword: "mix"]?.followingWords, ["sum", "mean"])
        XCTAssertEqual(Self.table[keyword: "squash"]?.followingWords, Vocabulary.activations + ["hard"])
    }
}
