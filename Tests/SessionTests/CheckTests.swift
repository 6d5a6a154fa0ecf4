import XCTest

@testable import Session

/// `check`: a condition that holds says so; one that does not fails the cell with the teacher's
/// message, a caret under the comparison and the values it saw, and changes nothing.
final class CheckTests: XCTestCase {
    func session() throws -> TestSession {
        let t = try TestSession()
        t.run(
            "seed 1\nsmall = mnist train 500 test 100\nmodel ae:\n    dense 32 relu\n    latent 4\n    dense 784 sigmoid"
        )
        t.run("train ae on small epochs 2 batch 50")
        return t
    }

    func testAConditionThatHoldsSaysSo() throws {
        let t = try session()
        XCTAssertEqual(t.run("check ae.epochs >= 2"), "check passed: ae.epochs is 2\n")
        XCTAssertEqual(
            t.run("check small.count == 600 and shape ae.latent == 4 and ae.layers < 4"),
            "check passed: small.count is 600, shape ae.latent is 4, ae.layers is 3\n")
        XCTAssertEqual(
            t.run("check ae.loss < 1 \"train longer\""), "check passed: ae.loss is \(t.run("print ae.loss"))")
        XCTAssertEqual(t.run("check 2 > -1"), "check passed\n")
    }

    func testAFailedCheckShowsTheMessageACaretAndTheValues() throws {
        let t = try session()
        let before = t.fingerprint
        let failed = t.fail("check ae.epochs >= 2 and ae.loss < 0.0001 \"train longer, or widen the code\"")
        XCTAssertEqual(failed.name, "AssertionError")
        let loss = t.run("print ae.loss").trimmingCharacters(in: .newlines)
        XCTAssertEqual(
            failed.text,
            """
            line 1: train longer, or widen the code
                check ae.epochs >= 2 and ae.loss < 0.0001 "train longer, or widen the code"
                                         ^^^^^^^^^^^^^^^^
            check ae.loss < 0.0001: it does not hold: ae.loss is \(loss)
            """)
        XCTAssertEqual(t.fingerprint, before)
        // Without a message, the comparison itself is the message.
        let plain = t.fail("check ae.epochs == 5")
        XCTAssertTrue(plain.text.hasPrefix("line 1: check failed: ae.epochs == 5\n"), plain.text)
        XCTAssertTrue(plain.text.hasSuffix("it does not hold: ae.epochs is 2"), plain.text)
    }

    func testMistakesInAConditionAreNamed() throws {
        let t = try session()
        XCTAssertTrue(t.fail("check ae.loss = 1").text.contains("did you mean '=='?"))
        XCTAssertTrue(t.fail("check ae.loss < 1 or ae.epochs > 1").text.contains("'or' does not join comparisons"))
        XCTAssertTrue(t.fail("check ae < 1").text.contains("ae is a model; a check compares numbers"))
        XCTAssertTrue(t.fail("check small.train > 1").text.contains("its count, e.g. small.train.count"))
        XCTAssertTrue(t.fail("check shape ae.loss == 4").text.contains("shape MODEL.latent"))
        XCTAssertTrue(t.fail("check ae.los < 1").text.contains("did you mean 'loss'?"))
        XCTAssertTrue(t.fail("check ae.loss <").text.contains("the line ends too early"))
        XCTAssertTrue(t.fail("check untrained.loss < 1").text.contains("there is no 'untrained'"))
        let fresh = try TestSession()
        fresh.run("model m:\n    dense 4\n    latent 2\n    dense 784")
        XCTAssertTrue(fresh.fail("check m.loss < 1").text.contains("has not been trained yet"))
    }

    /// The statement comes from the table alone: help, completion and the reference know it.
    func testHelpAndCompletionKnowIt() throws {
        let t = try session()
        XCTAssertTrue(t.run("help check").hasPrefix("### check\n`check CONDITION [\"message\"]`: fails the cell"))
        XCTAssertEqual(t.session.complete("che", cursor: 3).matches, ["check"])
        XCTAssertTrue(t.session.complete("check a", cursor: 7).matches.contains("ae"))
    }
}
