import Datasets
import Foundation
import XCTest

@testable import Session

/// Every statement that can run for seconds stops soon after an interrupt raised from another
/// thread (as the kernel's control thread does) and leaves the session as it was. Each case is
/// work that takes seconds here; the flag goes up 0.3 s in. The time to stop is printed (the
/// figure the closing note reports); the bound checked is loose, because the machine is shared:
/// stopping at all, well before the work would have ended, is what is tested.
final class InterruptTests: XCTestCase {
    /// Hands the session to the thread that runs the cell; the test touches it only after it ends.
    final class Run: @unchecked Sendable {
        let session: LessonSession
        let sink: RecordingSink
        var outcome: ExecutionOutcome?
        var seconds = 0.0
        init(_ t: TestSession) {
            session = t.session
            sink = t.sink
        }
    }

    /// Runs `code`, raising the interrupt after `delay` seconds; returns the outcome and how long
    /// the cell took after the flag went up.
    func interrupt(_ t: TestSession, _ code: String, after delay: Double = 0.3) -> (ExecutionOutcome?, Double) {
        let run = Run(t)
        let done = expectation(description: "the cell returned")
        let started = Date()
        Thread.detachNewThread {
            run.outcome = run.session.execute(code, output: run.sink)
            run.seconds = Date().timeIntervalSince(started)
            done.fulfill()
        }
        Thread.sleep(forTimeInterval: delay)
        t.session.interruption.raise()
        wait(for: [done], timeout: 120)
        let afterFlag = run.seconds - delay
        print(
            "interrupt: \(code.split(separator: "\n").last!) stopped \(String(format: "%.3f", afterFlag)) s after the flag"
        )
        return (run.outcome, afterFlag)
    }

    func assertStoppedAndUnchanged(
        _ t: TestSession, _ code: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        let before = t.fingerprint
        let (outcome, afterFlag) = interrupt(t, code)
        guard case .error(let name, let message, _) = outcome else {
            return XCTFail(
                "\(code) finished instead of stopping: \(String(describing: outcome))", file: file, line: line)
        }
        XCTAssertEqual(name, "KeyboardInterrupt", message, file: file, line: line)
        XCTAssertEqual(
            message, "line 1: interrupted: the statement stopped and changed nothing", file: file, line: line)
        XCTAssertLessThan(afterFlag, 2.0, "\(code) took \(afterFlag) s to stop", file: file, line: line)
        XCTAssertEqual(t.fingerprint, before, file: file, line: line)
        // The flag is lowered for the next cell, which runs as usual.
        XCTAssertEqual(t.run("print 1"), "1\n", file: file, line: line)
    }

    static let conv = """
        data = mnist
        model conv:
            conv 16 kernel 3 stride 2 relu
            conv 32 kernel 3 stride 2 relu
            flatten
            latent 16
            dense 1568 relu
            reshape 7 7 32
            deconv 16 kernel 3 stride 2 relu
            deconv 1 kernel 3 stride 2 sigmoid
        """

    func testEvaluationStops() throws {
        let t = try TestSession()
        t.run(Self.conv)
        assertStoppedAndUnchanged(t, "evaluate conv on data.train")
    }

    func testEncodingForAPictureStops() throws {
        let t = try TestSession()
        t.run(Self.conv)
        assertStoppedAndUnchanged(t, "embed conv data.train pca")
    }

    func testProjectionsStop() throws {
        let t = try TestSession()
        t.run("data = mnist")
        assertStoppedAndUnchanged(t, "embed data.train pca")
        assertStoppedAndUnchanged(t, "embed data.train[0:5000] kernelpca")
    }

    func testLoadingStops() throws {
        let t = try TestSession()
        t.run("data = mnist train 100 test 10")
        // An empty cache folder: these files are unpacked (for a second or so), not mapped.
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("latent-cache-\(UUID().uuidString)")
        setenv("LATENT_DATA_CACHE", cache.path, 1)
        defer {
            unsetenv("LATENT_DATA_CACHE")
            try? FileManager.default.removeItem(at: cache)
        }
        let dir = try MNIST.directory()
        let files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"].map { "\"\(dir)/\($0)\"" }
        assertStoppedAndUnchanged(t, "big = idx \(files[0]) \(files[1])")
        XCTAssertNil(t.session.names.data("big"))
    }

    /// t-SNE stops while it computes its affinities (no map yet: nothing is drawn), and once it
    /// iterates it draws the map it has when interrupted, and says so.
    func testTSNEStops() throws {
        let t = try TestSession()
        t.run("data = mnist")
        assertStoppedAndUnchanged(t, "embed data.train[0:5000] tsne")
        let (outcome, afterFlag) = interrupt(t, "embed data.test[0:300] tsne iterations 100000", after: 1.5)
        XCTAssertEqual(outcome, .ok(result: nil))
        XCTAssertTrue(t.sink.text.contains(", interrupted"), t.sink.text)
        XCTAssertLessThan(afterFlag, 2.0)
    }
}
