import Foundation
import XCTest

@testable import Session

/// `latent run`: text printed, pictures written as numbered files, non-zero status on failure.
final class TerminalSinkTests: XCTestCase {
    func testPicturesAreWrittenAsNumberedFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var printed = ""
        let sink = TerminalSink(pictureDirectory: dir) { text, _ in printed += text }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]
        sink.display(MimeBundle(data: ["text/plain": "a grid", "image/png": Data(png).base64EncodedString()]), id: nil)
        sink.display(MimeBundle(data: ["text/plain": "a chart", "image/svg+xml": "<svg/>"]), id: nil)
        sink.display(MimeBundle(text: "progress 10%"), id: "p1")
        XCTAssertEqual(sink.picturesWritten, [dir + "/001.png", dir + "/002.svg"])
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/001.png"))), png)
        XCTAssertEqual(try String(contentsOfFile: dir + "/002.svg", encoding: .utf8), "<svg/>")
        XCTAssertTrue(printed.hasPrefix("a grid\n(picture written to"))
        XCTAssertFalse(printed.contains("progress"))
    }

    func testATrainingDisplayPrintsItsLastLineOnly() throws {
        var printed = ""
        let sink = TerminalSink(pictureDirectory: nil) { text, _ in printed += text }
        let status = ScriptRunner.run(
            "small = mnist train 300 test 100\nmodel ae:\n    dense 8 relu\n    latent 2\n    dense 784 sigmoid\n"
                + "train ae on small epochs 2 batch 50",
            session: LessonSession(), sink: sink)
        XCTAssertEqual(status, 0)
        let lines = printed.split(separator: "\n").map(String.init)
        let progress = lines.filter { $0.contains("training ae on small") }
        XCTAssertEqual(progress, ["[####################] 100% training ae on small: done, 12 batches"], printed)
        // Before the table, and no picture's markup anywhere.
        let table = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("ae on small") })
        XCTAssertLessThan(try XCTUnwrap(lines.firstIndex(of: progress[0])), table)
        XCTAssertFalse(printed.contains("<"), printed)
    }

    func testScriptStopsAtTheFirstFailingStatement() throws {
        var out = "", err = ""
        let sink = TerminalSink(pictureDirectory: nil) { text, stream in
            if stream == .stdout { out += text } else { err += text }
        }
        let status = ScriptRunner.run(
            "print \"one\"\nprint nosuch\nprint \"three\"", session: LessonSession(), sink: sink)
        XCTAssertEqual(status, 1)
        XCTAssertEqual(out, "one\n")
        XCTAssertTrue(
            err.hasPrefix(
                "NameError: line 2: there is no 'nosuch' in this session\n    print nosuch\n          ^^^^^^"), err)
        XCTAssertEqual(ScriptRunner.run("print \"fine\"", session: LessonSession(), sink: sink), 0)
    }

    func testSyntaxMistakesAreReportedBeforeAnythingRuns() {
        var out = "", err = ""
        let sink = TerminalSink(pictureDirectory: nil) { text, stream in
            if stream == .stdout { out += text } else { err += text }
        }
        XCTAssertEqual(ScriptRunner.run("print \"one\"\ntrian x\nseed -2", session: LessonSession(), sink: sink), 1)
        XCTAssertEqual(out, "")
        XCTAssertTrue(
            err.contains("line 2: 'trian' is not a statement") && err.contains("line 3: the seed must be at least 0"))
    }
}
