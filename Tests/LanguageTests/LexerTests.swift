import XCTest

@testable import Language

final class LexerTests: XCTestCase {
    func kinds(_ source: String) -> [TokenKind] {
        Lexer(source).lex().lines.flatMap { $0.tokens.map(\.kind) }
    }

    func testNumbersAsWritten() {
        XCTAssertEqual(
            kinds("200 0.001 1e-3 2.5E+2 7"),
            [
                .number(200, isInteger: true), .number(0.001, isInteger: false), .number(0.001, isInteger: false),
                .number(250, isInteger: false), .number(7, isInteger: true),
            ])
    }

    func testStringsCommentsAndSymbols() {
        XCTAssertEqual(
            kinds(#"load ae2 "a \"b\".model"   # a comment "not a string""#),
            [.word("load"), .word("ae2"), .string(#"a "b".model"#, terminated: true)])
        XCTAssertEqual(
            kinds("data.test[0:16]"),
            [
                .word("data"), .symbol("."), .word("test"), .symbol("["), .number(0, isInteger: true), .symbol(":"),
                .number(16, isInteger: true), .symbol("]"),
            ])
        // Comparisons: each sign is a symbol of its own, `<=` two of them side by side.
        XCTAssertEqual(
            kinds("ae.loss<=0.03 > <"),
            [
                .word("ae"), .symbol("."), .word("loss"), .symbol("<"), .symbol("="), .number(0.03, isInteger: false),
                .symbol(">"), .symbol("<"),
            ])
    }

    func testLinesKeepIndentationAndSkipBlanks() {
        let (lines, diagnostics) = Lexer("model ae:\n\n    dense 250 relu\n\t latent 16\n# only a comment\n").lex()
        XCTAssertTrue(diagnostics.isEmpty)
        XCTAssertEqual(lines.map(\.number), [1, 3, 4])
        XCTAssertEqual(lines.map(\.indent), [0, 4, 5])
    }

    func testRangesCountUnicodeScalarsAndColumns() {
        let (lines, _) = Lexer("print \"é😀\" x\n  y").lex()
        let x = lines[0].tokens[2]
        XCTAssertEqual(x.range.start, SourcePosition(offset: 11, line: 1, column: 12))
        let y = lines[1].tokens[0]
        XCTAssertEqual(y.range.start, SourcePosition(offset: 15, line: 2, column: 3))
        XCTAssertEqual(y.range.end.offset, 16)
    }

    func testProblemsAreCollectedNotThrown() {
        let (lines, diagnostics) = Lexer("print \"open\nx = 3$\ny = “q”").lex()
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(diagnostics.count, 4)
        XCTAssertEqual(diagnostics[0].message, "this string is not closed")
        XCTAssertTrue(diagnostics[2].message.contains("curly quote"))
    }

    func testNumberGluedToWord() {
        let (_, diagnostics) = Lexer("dense 250relu").lex()
        XCTAssertEqual(diagnostics.map(\.message), ["'250relu' is not a number"])
    }
}
