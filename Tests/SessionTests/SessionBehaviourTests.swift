import Datasets
import XCTest

@testable import Session

final class SessionBehaviourTests: XCTestCase {
    static let setup = """
        small = mnist train 400 test 100
        seed 3
        model ae:
            dense 32 relu
            latent 4 tanh
            dense 784 sigmoid
        train ae on small epochs 1 batch 100
        """

    func testNoMistakeChangesTheSession() throws {
        let t = try TestSession()
        t.run(Self.setup)
        let before = t.fingerprint
        let mistakes = [
            "trian ae", "train ae epocs 2", "model bad:\n    dens 3\n    latent 2",
            "model bad:\n    dense 3\n    dense 784",
            "model bad:\n    latent 3\n    latent 2\n    dense 784", "model bad:\n    dense 4 relu\n    latent 2 tanx",
            "train ae lr -1", "model bad:\n    dense 3 dropout 1.5\n    latent 2", "train ae batch 0",
            "train ae on nosuch", "train ae on small.train[label 11]", "x = small.train[0:100000]",
            "m = idx \"missing.gz\" \"labels.gz\"", "delete small nosuch", "load ae \"missing.model\"",
            "model wrong:\n    dense 4\n    latent 2\n    dense 100\ntrain wrong on small", "evaluate nosuch",
            "seed 5\ntrain ae loss bce epochs 1 batch 7 lr 0.5\nsummary nosuch",
        ]
        for code in mistakes {
            _ = t.fail(code)
            if code.hasPrefix("model wrong") {
                // The definition before the failing statement stands; remove it to compare.
                t.session.names.delete("wrong")
            }
            if code.hasPrefix("seed 5") { continue }
            XCTAssertEqual(t.fingerprint, before, "after: \(code)")
        }
    }

    /// A model's code size and layer count are members, as an assignment's checks need them.
    func testModelMembersIncludeTheCodeSizeAndLayerCount() throws {
        let t = try TestSession()
        t.run("model ae:\n    dense 8 relu\n    dropout 0.1\n    latent 3\n    dense 784 sigmoid")
        XCTAssertEqual(t.run("print ae.latent ae.layers"), "3 4\n")
        XCTAssertEqual(t.run("ae.latent"), "3")
        XCTAssertTrue(t.fail("ae.latnt").text.contains("did you mean 'latent'?"))
    }

    func testOptionsStickAndTrainingGoesOn() throws {
        let t = try TestSession()
        t.run(Self.setup)
        let entry = try XCTUnwrap(t.session.names.model("ae"))
        XCTAssertEqual(entry.epochsTrained, 1)
        t.run("train ae epochs 2 lr 0.002")
        XCTAssertEqual(entry.epochsTrained, 3)
        XCTAssertEqual(entry.settings.batch, 100)
        XCTAssertEqual(entry.settings.learningRate, 0.002)
        XCTAssertEqual(entry.network?.history.count, 3)
        t.run("train ae steps 2")
        XCTAssertEqual(entry.epochsTrained, 3.5, accuracy: 1e-9)
        XCTAssertEqual(t.run("ae.epochs"), "3.5")
    }

    func testSameSeedSameResult() throws {
        let a = try TestSession(), b = try TestSession()
        a.run(Self.setup)
        b.run(Self.setup)
        XCTAssertEqual(a.run("ae.loss"), b.run("ae.loss"))
        XCTAssertEqual(a.fingerprint, b.fingerprint)
    }

    /// The kernel raises the flag while a cell trains: training stops after the batch it is on,
    /// the model keeps that batch's learning, and the next cell starts with the flag lowered.
    func testInterruptionKeepsWhatWasLearnedAndSaysWhere() throws {
        let t = try TestSession(), twin = try TestSession()
        t.run(Self.setup)
        twin.run(Self.setup)
        let entry = try XCTUnwrap(t.session.names.model("ae"))
        let stepsBefore = try XCTUnwrap(entry.network?.optimizerState?.step)
        // The progress display, shown as training starts, raises the flag, as the kernel's
        // control thread would while batch 1 (of 4) runs.
        t.sink.onLiveDisplay = { [weak session = t.session] in session?.interruption.raise() }
        let out = t.run("train ae epochs 3")
        t.sink.onLiveDisplay = nil
        XCTAssertTrue(out.contains("ae: stopped during epoch 2 after batch 1; the model keeps what it learned"), out)
        XCTAssertTrue(out.contains("2 (part: 1 batches)"), out)
        // The part-epoch has no test loss: `ae.loss` is still epoch 1's test loss.
        let epochOne = try XCTUnwrap(entry.network?.history.first?.testLoss)
        XCTAssertNil(entry.network?.history.last?.testLoss)
        XCTAssertEqual(entry.lastLoss, Double(epochOne))
        // It stopped at the next batch: one step of the twelve asked for, a quarter of an epoch.
        XCTAssertEqual(entry.network?.optimizerState?.step, stepsBefore + 1)
        XCTAssertEqual(entry.epochsTrained, 1.25)
        // What it learned is exactly one uninterrupted step: the same weights as a twin that
        // trained one step.
        twin.run("train ae steps 1")
        let twinNetwork = try XCTUnwrap(twin.session.names.model("ae")?.network)
        XCTAssertEqual(entry.network?.parameters.map(\.value), twinNetwork.parameters.map(\.value))
        XCTAssertEqual(entry.network?.optimizerState, twinNetwork.optimizerState)

        // The flag is still up after the interrupted cell (and one raised between cells, as a
        // late interrupt would be): the next cell lowers it and trains every step it asks for.
        XCTAssertTrue(t.session.interruption.isRaised)
        let next = t.run("train ae steps 2")
        XCTAssertFalse(t.session.interruption.isRaised)
        XCTAssertFalse(next.contains("stopped"), next)
        XCTAssertEqual(entry.network?.optimizerState?.step, stepsBefore + 3)
        XCTAssertEqual(entry.epochsTrained, 1.75)
    }

    func testProgressIsOneDisplayUpdatedInPlaceWithTextAndHTML() throws {
        let t = try TestSession()
        t.run(Self.setup)
        let progress = t.sink.displays.first { $0.text.contains("training ae") }
        XCTAssertNotNil(progress?.data["text/html"])
        XCTAssertGreaterThanOrEqual(t.sink.updates, 1)
        let table = t.sink.displays.last { $0.text.contains("train loss") }
        XCTAssertNotNil(table?.data["text/html"])
        XCTAssertTrue(table?.data["text/html"]?.contains("<table") ?? false)
    }

    func testErrorsNameLineCaretExpectedAndSuggestion() throws {
        let t = try TestSession()
        t.run("data = mnist train 10 test 10")
        let (name, text) = t.fail("who\ntrain ae on dat")
        XCTAssertEqual(name, "NameError")
        XCTAssertEqual(
            text,
            """
            line 2: there is no 'ae' in this session
                train ae on dat
                      ^^
            expected a model's name
            names in this session: data (data)
            """)
    }

    func testCompletion() throws {
        let t = try TestSession()
        t.run("data = mnist train 10 test 10\nmodel ae:\n    dense 8 relu\n    latent 2\n    dense 784")
        func matches(_ code: String) -> [String] { t.session.complete(code, cursor: code.unicodeScalars.count).matches }
        XCTAssertEqual(matches("tr"), ["train", "traverse"])
        XCTAssertEqual(matches("train a"), ["ae"])
        XCTAssertEqual(matches("train ae ep"), ["epochs"])
        XCTAssertEqual(matches("train ae loss "), ["mse", "l1", "mae", "bce"])
        XCTAssertEqual(matches("train ae on d"), ["data"])
        XCTAssertEqual(matches("model m:\n    de"), ["dense", "deconv"])
        XCTAssertEqual(matches("model m:\n    dense 4 si"), ["sigmoid"])
        XCTAssertEqual(matches("model m "), ["init"])
        XCTAssertEqual(matches("model m init "), ["glorot", "kaiming", "pytorch"])
        XCTAssertEqual(matches("model m init py"), ["pytorch"])
        XCTAssertEqual(matches("ae."), ["loss", "epochs", "params", "latent", "layers"])
        XCTAssertEqual(matches("data.t"), ["train", "test"])
        XCTAssertEqual(matches("x = mn"), ["mnist"])
        // The cursor counts Unicode scalars: an emoji earlier in the cell is one.
        let code = "print \"😀\"\ntra"
        let c = t.session.complete(code, cursor: code.unicodeScalars.count)
        XCTAssertEqual(c.matches, ["train", "traverse"])
        XCTAssertEqual(c.cursorStart, 10)
        XCTAssertEqual(c.cursorEnd, 13)
    }

    func testInspectAndIsComplete() throws {
        let t = try TestSession()
        t.run("data = mnist train 10 test 10")
        XCTAssertTrue(t.session.inspect("train ae", cursor: 2, detailLevel: 0)?.text.hasPrefix("### train") ?? false)
        XCTAssertTrue(
            t.session.inspect("show data", cursor: 7, detailLevel: 0)?.text.contains("10 train / 10 test") ?? false)
        XCTAssertNil(t.session.inspect("   ", cursor: 1, detailLevel: 0))
        XCTAssertEqual(t.session.isComplete("model ae:"), .incomplete(indent: "    "))
        XCTAssertEqual(t.session.isComplete("who"), .complete)
        XCTAssertEqual(t.session.isComplete("train ae batch 0"), .invalid)
    }

    func testEveryResultHasPlainTextAndTablesHaveHTML() throws {
        let t = try TestSession()
        t.run(Self.setup + "\nsummary ae\nwho\nevaluate ae")
        for bundle in t.sink.displays { XCTAssertNotNil(bundle.data["text/plain"]) }
        let tables = t.sink.displays.filter { $0.text.contains("---") }
        XCTAssertGreaterThanOrEqual(tables.count, 4)
        for table in tables { XCTAssertNotNil(table.data["text/html"], table.text) }
    }
}

final class ProgressThrottleTests: XCTestCase {
    /// Many small batches: the display is updated at most about four times a second.
    func testUpdatesAreThrottled() throws {
        let t = try TestSession()
        t.run(SessionBehaviourTests.setup)
        let start = Date()
        t.sink.updates = 0
        let out = t.run("train ae epochs 1 batch 2")
        let seconds = Date().timeIntervalSince(start)
        XCTAssertTrue(out.contains("train loss"))
        XCTAssertGreaterThanOrEqual(t.sink.updates, 1)  // the final state, at least
        XCTAssertLessThanOrEqual(Double(t.sink.updates), seconds * 4 + 1)
    }
}

final class DataSourceTests: XCTestCase {
    func testIDXFromGzipFilesAndFashionFromItsFolder() throws {
        let dir = try Datasets.MNIST.directory()
        let t = try TestSession()
        let out = t.run(
            "mine = idx \"\(dir)/t10k-images-idx3-ubyte.gz\" \"\(dir)/t10k-labels-idx1-ubyte.gz\"\nmine[0:3]")
        XCTAssertTrue(out.hasPrefix("mine: 10,000 images of 28x28x1"), out)
        // Fashion-MNIST's files carry MNIST's names; a folder of them stands in for the package.
        setenv("LATENT_FASHION_DIR", dir, 1)
        defer { unsetenv("LATENT_FASHION_DIR") }
        XCTAssertTrue(t.run("clothes = fashion train 50 test 20").hasPrefix("clothes: 50 train / 20 test images"))
        setenv("LATENT_FASHION_DIR", t.directory, 1)
        XCTAssertTrue(t.fail("clothes = fashion").text.contains("Fashion-MNIST is not installed on this machine"))
        XCTAssertEqual(t.session.names.data("clothes")?.trainImages.count, 50)
    }
}

final class CrossThreadInterruptTests: XCTestCase {
    /// As the kernel does it: the cell trains on one thread, the control thread raises the flag.
    func testInterruptFromAnotherThreadStopsALongTrain() throws {
        let t = try TestSession()
        t.run(SessionBehaviourTests.setup)
        let done = expectation(description: "train returned")
        let session = t.session, sink = t.sink
        /// Hands the session to the training thread; the test touches it only after `done`.
        final class Box: @unchecked Sendable {
            let session: LessonSession
            let sink: RecordingSink
            var outcome: ExecutionOutcome?
            init(_ session: LessonSession, _ sink: RecordingSink) {
                self.session = session
                self.sink = sink
            }
        }
        let box = Box(session, sink)
        Thread.detachNewThread {
            box.outcome = box.session.execute("train ae epochs 100000 batch 10", output: box.sink)
            done.fulfill()
        }
        Thread.sleep(forTimeInterval: 0.5)
        session.interruption.raise()
        wait(for: [done], timeout: 60)
        XCTAssertEqual(box.outcome, .ok(result: nil))
        XCTAssertTrue(sink.text.contains("ae: stopped during epoch"), sink.text)
        // Interrupted after half a second, far short of the 100,000 asked for (how far it got
        // depends on the machine's speed: 176 epochs on the 2-core test machine).
        XCTAssertLessThan(session.names.model("ae")!.epochsTrained, 10_000)
    }
}
