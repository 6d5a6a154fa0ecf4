import Foundation
import Language
import XCTest

@testable import Session

/// Runs word-level mutations of the golden scripts' cells through one session (seeded, bounded in
/// count and time): whatever a learner types, the answer is a result or a rendered error, never a
/// crash. Cells that would train are left out to keep the test short.
final class SessionFuzzTests: XCTestCase {
    static let words =
        [
            "0", "-1", "3", "99999", "1e9", "0.5", ":", "[", "]", ".", "=", "\"x\"", "label", "train", "test", "count",
            "loss", "epochs", "params", "small", "ae", "data", "mnist", "idx",
        ] + StatementTable.lesson.words

    func testMutatedCellsNeverCrashTheSession() throws {
        let dir = GoldenScriptTests.scriptsDirectory
        var cells = [String]()
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".latent") {
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            cells += text.components(separatedBy: "#%%").filter { !$0.contains("train") && !$0.contains("fashion") }
        }
        // And the lessons' cells, without the ones that train or load the whole of MNIST.
        let lessonCells = try LessonCells.all().filter {
            !$0.contains("train ") && !$0.contains("= mnist\n") && !$0.hasSuffix("= mnist")
        }
        XCTAssertGreaterThan(lessonCells.count, 20)
        cells += lessonCells
        let t = try TestSession()
        setenv("LATENT_FASHION_DIR", t.directory, 1)
        t.run("small = mnist train 300 test 50\nmodel ae:\n    dense 8 relu\n    latent 2\n    dense 784 sigmoid")
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(n, 1)))
        }
        let deadline = Date().addingTimeInterval(5)
        var runs = 0
        while runs < 1500 && Date() < deadline {
            var words = cells[next(cells.count)].split(separator: " ", omittingEmptySubsequences: false).map(
                String.init)
            for _ in 0..<(1 + next(3)) {
                let at = next(words.count + 1)
                switch next(3) {
                case 0 where !words.isEmpty: words.remove(at: min(at, words.count - 1))
                case 1: words.insert(Self.words[next(Self.words.count)], at: at)
                default: if !words.isEmpty { words[min(at, words.count - 1)] = Self.words[next(Self.words.count)] }
                }
            }
            let code = words.joined(separator: " ")
            if code.contains("train") && (code.contains("epochs") || code.contains("steps") || code.contains(" on ")) {
                continue
            }
            if case .error(let name, let message, let traceback) = t.session.execute(code, output: t.sink) {
                XCTAssertFalse(name.isEmpty || message.isEmpty || traceback.isEmpty, code)
            }
            runs += 1
        }
        print("session fuzz: \(runs) mutated cells from \(cells.count) (golden scripts and lessons) ran")
        XCTAssertGreaterThan(runs, 100)
    }
}
