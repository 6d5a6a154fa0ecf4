import Foundation
import XCTest

@testable import Session

/// Cells a learner would not write on purpose: control characters, a megabyte on one line,
/// hundreds of layers, names in any alphabet, devices and folders where files belong. Each gets
/// a clear error with a caret (or works, where it is legitimate), and the session keeps every name.
final class HostileCellTests: XCTestCase {
    static let setup =
        "small = mnist train 300 test 50\nmodel ae:\n    dense 16 relu\n    latent 2\n    dense 784 sigmoid"

    /// The error of `code`: its name, and that it points at the place with a caret.
    func refuse(_ t: TestSession, _ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let before = t.fingerprint
        let (name, text) = t.fail(code, file: file, line: line)
        XCTAssertTrue(
            text.contains("^"), "no caret for \(code.prefix(80)):\n\(text.prefix(400))", file: file, line: line)
        XCTAssertFalse(name.isEmpty, file: file, line: line)
        XCTAssertEqual(t.fingerprint, before, "the session changed after \(code.prefix(80))", file: file, line: line)
        return text
    }

    func testControlCharactersAndNULAreNamed() throws {
        let t = try TestSession()
        t.run(Self.setup)
        XCTAssertTrue(refuse(t, "who\u{0}").contains("has no meaning here"))
        XCTAssertTrue(refuse(t, "print small.count \u{7}").contains("has no meaning here"))
        XCTAssertTrue(refuse(t, "train ae\u{1B}[2J on small").contains("has no meaning here"))
        // Inside a string they are the learner's own text.
        XCTAssertEqual(t.run("print \"a\u{0}b\""), "a\u{0}b\n")
    }

    func testAMegabyteLineIsOneMistake() throws {
        let t = try TestSession()
        t.run(Self.setup)
        let long = "print " + String(repeating: "x", count: 1 << 20)
        let text = refuse(t, long)
        XCTAssertTrue(text.contains("there is no 'xxxx"), String(text.prefix(300)))
        // The caret block stays readable: the line is cut, not printed whole.
        XCTAssertLessThan(text.count, 4_000, "the error repeats the megabyte")
        let words = "print " + Array(repeating: "small.count", count: 50_000).joined(separator: " ")
        XCTAssertEqual(t.run(words).count, 50_000 * 4)
    }

    func testFourHundredLayers() throws {
        let t = try TestSession()
        t.run(Self.setup)
        let layers = Array(repeating: "    dense 8 relu", count: 400).joined(separator: "\n")
        t.run("model deep:\n\(layers)\n    latent 2\n    dense 784 sigmoid")
        XCTAssertEqual(t.run("print deep.layers"), "402\n")
        t.run("train deep on small steps 2 batch 50")
        XCTAssertEqual(t.run("print deep.epochs").isEmpty, false)
    }

    func testNamesInAnyAlphabet() throws {
        let t = try TestSession()
        t.run("données = mnist train 20 test 10\nмодель = données\n数据 = données.train[0:5]")
        XCTAssertTrue(t.run("who").contains("数据"))
        XCTAssertEqual(t.run("print 数据.count"), "5\n")
        XCTAssertTrue(refuse(t, "show 数").contains("did you mean '数据'?"))
    }

    func testDevicesAndFoldersWhereFilesBelong() throws {
        let t = try TestSession()
        t.run(Self.setup)
        let folder = t.directory
        for code in [
            "load m \"/dev/zero\"", "load m \"/dev/urandom\"", "load m \"\(folder)\"",
            "x = idx \"/dev/zero\" \"/dev/zero\"", "x = idx \"/dev/urandom\" \"/dev/urandom\"",
            "x = idx \"\(folder)\" \"\(folder)\"", "save ae \"\(folder)\"", "save ae \"/proc/latent.model\"",
        ] {
            let text = refuse(t, code)
            XCTAssertTrue(text.hasPrefix("line 1: "), text)
        }
        XCTAssertNil(t.session.names.model("m"))
        XCTAssertNil(t.session.names.data("x"))
    }
}
