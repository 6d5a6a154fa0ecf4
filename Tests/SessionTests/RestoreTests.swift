import Datasets
import Foundation
import XCTest

@testable import Session

final class RestoreTests: XCTestCase {
    /// Pixels and labels of a dataset, to compare one made again with the original.
    func contents(_ t: TestSession, _ name: String) throws -> [String] {
        let data = try XCTUnwrap(t.session.names.data(name), name)
        var parts = [data.sizeText, data.shapeText]
        for images in [data.trainImages] + (data.testImages.map { [$0] } ?? []) {
            parts.append("\(images.pixels.reduce(0, +)) \(images.labels.map(Int.init).reduce(0, +))")
        }
        return parts
    }

    /// A silent request's sink, as VS Code's `import ipywidgets` probe gets.
    final class QuietSink: OutputSink {
        var shown = ""
        func stream(_ text: String, on stream: StreamName) { shown += text }
        func display(_ bundle: MimeBundle, id: String?) { shown += bundle.text }
        func update(_ bundle: MimeBundle, id: String) {}
        var isQuiet: Bool { true }
    }

    func testAQuietProbeNeitherCountsACellNorSpendsTheRestoreHint() throws {
        let folder = try AutosaveFolder()
        let a = try folder.kernel()
        a.run("data = mnist train 100 test 10")
        a.flush()
        let b = try folder.kernel()
        let probe = QuietSink()
        guard case .error = b.session.execute("import ipywidgets", output: probe) else { return XCTFail() }
        XCTAssertEqual(probe.shown, "")
        XCTAssertEqual(b.session.cellNumber, 0)
        XCTAssertTrue(b.run("seed 1").contains("`restore` brings it back"))
        XCTAssertEqual(b.session.cellNumber, 1)
    }

    func testEveryKindOfDataSourceIsMadeAgain() throws {
        let folder = try AutosaveFolder()
        try Fixtures.write(into: folder.work)
        let a = try folder.kernel()
        a.run(
            """
            data = mnist train 500 test 100
            whole = mnist
            tiny = idx "tiny-images.idx" "tiny-labels.idx"
            tinysplit = idx "tiny-images.idx" "tiny-labels.idx" test "tiny-images.idx" "tiny-labels.idx"
            part = data.train[10:60]
            threes = data.test[label 3]
            one = data.train[-1]
            both = data[0:20]
            again = part[label 7][1:]
            """)
        let names = ["data", "whole", "tiny", "tinysplit", "part", "threes", "one", "both", "again"]
        let before = try names.map { try contents(a, $0) }
        a.flush()

        let b = try folder.kernel()
        let out = b.run("restore")
        XCTAssertTrue(out.hasPrefix("restored the session of "), out)
        XCTAssertTrue(out.contains("(notebook lessons/01-first.ipynb):\n"), out)
        XCTAssertTrue(out.contains("  data: mnist train 500 test 100, 500 train / 100 test images\n"), out)
        XCTAssertTrue(
            out.contains("  tiny: idx \"\(folder.work)/tiny-images.idx\" \"\(folder.work)/tiny-labels.idx\", 3 images"),
            out)
        XCTAssertTrue(
            out.contains("  again: part[label 7][1:] (part: data.train[10:60] (data: mnist train 500 test 100)),"), out)
        XCTAssertEqual(b.session.names.order, names)
        XCTAssertEqual(try names.map { try contents(b, $0) }, before)
        // What was restored is kept again, by the same sources, for the kernel after this one.
        XCTAssertEqual(try b.manifest().names.map(\.source), try a.manifest().names.map(\.source))
    }

    func testAModelComesBackAsItWasAndTrainsOnAsItWouldHave() throws {
        let folder = try AutosaveFolder()
        let a = try folder.kernel()
        a.run(SessionBehaviourTests.setup.replacingOccurrences(of: "epochs 1", with: "epochs 2"))
        a.run("part = small.train[0:200]\ntrain ae on part epochs 1 batch 50 lr 0.002")
        a.flush()
        let b = try folder.kernel()
        let out = b.run("restore")
        XCTAssertTrue(
            out.contains("  ae: model, trained 3 epochs on part (mse, adam, lr 0.002, batch 50), last loss "), out)
        XCTAssertTrue(out.contains("  seed 3\n"), out)
        XCTAssertEqual(b.session.seed, 3)
        XCTAssertEqual(b.fingerprint, a.fingerprint)
        let original = try XCTUnwrap(a.session.names.model("ae")?.network)
        let restored = try XCTUnwrap(b.session.names.model("ae")?.network)
        XCTAssertEqual(restored.optimizerState, original.optimizerState)
        XCTAssertEqual(restored.history, original.history)
        // Training goes on from the restored model, on the data it trained on, exactly as it
        // would have gone on in the kernel that died.
        a.run("train ae epochs 2")
        b.run("train ae epochs 2")
        XCTAssertEqual(b.fingerprint, a.fingerprint)
        XCTAssertEqual(b.run("ae.loss"), a.run("ae.loss"))
    }

    func testRestoreOneNameAndTheList() throws {
        let folder = try AutosaveFolder()
        let a = try folder.kernel()
        a.run(SessionBehaviourTests.setup)
        a.run("other = mnist train 50 test 10")
        a.flush()
        let b = try folder.kernel()
        b.run("kept = mnist train 20 test 5")
        b.flush()
        let c = try folder.kernel()
        // `restore` takes the last session that kept anything: b's.
        let list = c.run("restore list")
        XCTAssertTrue(list.contains("sessions kept for notebook lessons/01-first.ipynb"), list)
        XCTAssertTrue(list.contains("kept"), list)
        XCTAssertTrue(list.contains("small, ae (1 epochs), other"), list)
        XCTAssertTrue(list.contains("restore takes this one"), list)
        // `restore NAME` finds the last session that had the name, and brings its data with a model.
        let out = c.run("restore ae")
        XCTAssertTrue(out.contains("restored from the session of "), out)
        XCTAssertTrue(out.contains(": ae: model, trained 1 epochs on small"), out)
        XCTAssertEqual(c.session.names.order, ["ae"])
        XCTAssertNotNil(c.session.names.model("ae")?.trainedOn)
        c.run("train ae epochs 1")
        let missing = c.fail("restore nothere")
        XCTAssertEqual(missing.name, "NameError")
        XCTAssertTrue(missing.text.contains("no earlier session of this notebook has 'nothere'"), missing.text)
        XCTAssertTrue(c.fail("restore smal").text.contains("did you mean 'small'?"))
        c.run("restore")
        XCTAssertEqual(c.session.names.order, ["ae", "kept"])
    }

    func testNothingToRestore() throws {
        let folder = try AutosaveFolder()
        let a = try folder.kernel()
        let failure = a.fail("restore")
        XCTAssertEqual(failure.name, "NameError")
        XCTAssertTrue(
            failure.text.contains("there is no earlier session of this notebook (lessons/01-first.ipynb) to restore"),
            failure.text)
        XCTAssertTrue(a.run("restore list").hasPrefix("nothing to restore"))
        // Another notebook's sessions are not this one's.
        a.run("data = mnist train 10 test 10")
        a.flush()
        let other = try folder.kernel(notebook: "other.ipynb")
        XCTAssertTrue(other.fail("restore").text.contains("no earlier session"))
        let plain = try TestSession()
        XCTAssertTrue(plain.fail("restore").text.contains("the Jupyter kernel's"))
    }

    func testTheFirstCellSaysOnceThatThereIsSomethingToRestore() throws {
        let folder = try AutosaveFolder()
        let a = try folder.kernel()
        XCTAssertEqual(a.run("seed 1"), "seed 1: shuffling, dropout, noise and new weights are now repeatable\n")
        a.run(SessionBehaviourTests.setup)
        a.flush()
        let b = try folder.kernel()
        let first = b.run("seed 2")
        let lines = first.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, first)
        XCTAssertTrue(lines[0].hasPrefix("(an earlier session of this notebook, "), first)
        XCTAssertTrue(lines[0].hasSuffix(", has small, ae (1 epochs): `restore` brings it back)"), first)
        XCTAssertFalse(b.run("seed 2").contains("restore"), "only once")
        // A first cell that restores says nothing more; one that sets autosave up leaves it to the next.
        let c = try folder.kernel()
        XCTAssertFalse(c.run("restore").contains("earlier session of this notebook,"))
        let d = try folder.kernel()
        XCTAssertFalse(d.run("autosave limit 100 MB").contains("restore"))
        XCTAssertTrue(d.run("seed 4").contains("`restore` brings it back"))
    }

    func testDamagedAutosavesAreSkippedSayingWhy() throws {
        let folder = try AutosaveFolder()
        try Fixtures.write(into: folder.work)
        let a = try folder.kernel()
        a.run(SessionBehaviourTests.setup)
        a.run("tiny = idx \"tiny-images.idx\" \"tiny-labels.idx\"\nmodel m:\n    dense 4\n    latent 2\n    dense 4")
        a.run("train m on tiny steps 1")
        a.flush()
        // A model file with a flipped byte, an IDX file that is gone.
        let file = a.runFolder + "/ae.model"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count - 10] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        try FileManager.default.removeItem(atPath: folder.work + "/tiny-labels.idx")

        let b = try folder.kernel()
        let out = b.run("restore")
        XCTAssertTrue(out.contains("  small: mnist train 400 test 100"), out)
        XCTAssertTrue(out.contains("  ae: not restored: its autosave is unusable: "), out)
        XCTAssertTrue(out.contains("is damaged: its checksum does not match its contents"), out)
        XCTAssertTrue(out.contains("  tiny: not restored: idx "), out)
        XCTAssertTrue(out.contains("does not exist"), out)
        XCTAssertTrue(out.contains("  m: model, trained 1 epochs on tiny"), out)
        XCTAssertTrue(out.contains("its data (idx "), out)
        XCTAssertTrue(out.contains("cannot be made again"), out)
        XCTAssertEqual(b.session.names.order, ["small", "m"])
        XCTAssertNil(b.session.names.model("m")?.trainedOn)

        // A list of names that cannot be read: that session is skipped, the one before is restored.
        b.flush()
        try Data("{ torn".utf8).write(to: URL(fileURLWithPath: b.runFolder + "/session.json"))
        let c = try folder.kernel()
        let again = c.run("restore")
        XCTAssertTrue(again.contains("is skipped: its session.json is damaged and cannot be read)"), again)
        XCTAssertTrue(again.contains("  small: mnist train 400 test 100"), again)
        XCTAssertTrue(c.run("restore list").contains("damaged: its session.json is damaged"))
    }

    /// Data is weighed against the memory the kernel has left before it is made again, as an
    /// assignment's is: what does not fit is skipped with the estimate, the rest comes back.
    func testDataThatWouldNotFitInMemoryIsSkippedSayingSo() throws {
        let folder = try AutosaveFolder()
        let dir = try Datasets.MNIST.directory()
        let a = try folder.kernel()
        a.run(
            """
            small = mnist train 100 test 10
            big = idx "\(dir)/train-images-idx3-ubyte.gz" "\(dir)/train-labels-idx1-ubyte.gz"
            """)
        a.flush()
        let b = try folder.kernel()
        b.session.memory = MemoryBudget(
            limit: MemoryBudget.residentBytes() + MemoryBudget.margin + 150_000_000, source: "a test")
        let out = b.run("restore")
        XCTAssertTrue(out.contains("  small: mnist train 100 test 10, 100 train / 10 test images\n"), out)
        XCTAssertTrue(out.contains("  big: not restored: idx "), out)
        XCTAssertTrue(out.contains("loading these files would need about"), out)
        XCTAssertEqual(b.session.names.order, ["small"])
    }
}
