import Foundation
import XCTest

@testable import Session

/// Kernels of one notebook, one after the other, autosaving into one temporary folder.
final class AutosaveFolder {
    let root: String
    let base: String
    let work: String
    private var runs = 0

    init() throws {
        root =
            FileManager.default.temporaryDirectory.appendingPathComponent("latent-autosave-\(UUID().uuidString)").path
        base = root + "/sessions"
        work = root + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// A new kernel for `notebook`: a run of its own, started a minute after the last one.
    func kernel(notebook: String? = "lessons/01-first.ipynb", kernel: String? = nil) throws -> TestSession {
        runs += 1
        let location = AutosaveLocation(
            base: base, notebook: notebook, kernel: kernel, pid: Int32(1000 + runs),
            started: Date(timeIntervalSince1970: 1_700_000_000 + Double(runs) * 60))
        let t = try TestSession(directory: work, autosave: location)
        t.keepsDirectory = true
        t.session.autosave?.interval = 0
        t.session.autosave?.costShare = 0
        return t
    }
}

extension TestSession {
    var autosave: Autosaver { session.autosave! }
    var runFolder: String { autosave.location.runFolder }

    /// Everything handed to the writer is on the disk.
    func flush() { XCTAssertTrue(autosave.flush()) }

    func files() -> [String] {
        flush()
        return ((try? FileManager.default.contentsOfDirectory(atPath: runFolder)) ?? []).sorted()
    }

    func manifest() throws -> SessionManifest {
        flush()
        let data = try XCTUnwrap(FileManager.default.contents(atPath: runFolder + "/session.json"))
        return try JSONDecoder().decode(SessionManifest.self, from: data)
    }

    func autosaved(_ model: String) throws -> SavedModel {
        flush()
        let file = try ModelFile.read(runFolder + "/" + AutosaveLocation.fileName(model: model))
        return try SavedModel.read(file.payload, version: file.version)
    }
}

final class AutosaveTests: XCTestCase {
    func testEveryNameIsKeptModelsInTheSaveFormatDataByItsSource() throws {
        let folder = try AutosaveFolder()
        let t = try folder.kernel()
        t.run(SessionBehaviourTests.setup)
        t.run("threes = small.train[label 3][0:5]\nmodel other:\n    dense 8\n    latent 2\n    dense 784")
        XCTAssertEqual(t.files(), ["ae.model", "other.model", "session.json"])
        let manifest = try t.manifest()
        XCTAssertEqual(manifest.notebook, "lessons/01-first.ipynb")
        XCTAssertEqual(manifest.seed, 3)
        XCTAssertEqual(manifest.names.map(\.name), ["small", "ae", "threes", "other"])
        XCTAssertEqual(manifest.names[0].source?.text, "mnist train 400 test 100")
        XCTAssertEqual(manifest.names[2].source?.text, "small.train[label 3][0:5]")
        XCTAssertEqual(
            manifest.names[2].source?.description, "small.train[label 3][0:5] (small: mnist train 400 test 100)")
        XCTAssertEqual(manifest.names[1].epochs, 1)
        // The model file is what `save` writes: the same bytes.
        t.run("save ae \"ae.model\"")
        let saved = try Data(contentsOf: URL(fileURLWithPath: t.directory + "/ae.model"))
        let autosaved = try Data(contentsOf: URL(fileURLWithPath: t.runFolder + "/ae.model"))
        XCTAssertEqual(saved, autosaved)
        let header = try t.autosaved("ae").header
        XCTAssertEqual(header.trainedOn, .builtin(dataset: "mnist", train: 400, test: 100))
        XCTAssertEqual(header.epochsTrained, 1)
        XCTAssertNil(try t.autosaved("other").snapshot)  // not built yet: its definition only
        // Deleting a name removes its file and its line.
        t.run("delete other")
        XCTAssertEqual(t.files(), ["ae.model", "session.json"])
        XCTAssertEqual(try t.manifest().names.map(\.name), ["small", "ae", "threes"])
    }

    func testEachEpochIsWrittenWhileTrainingAndTheStopToo() throws {
        let folder = try AutosaveFolder()
        let t = try folder.kernel()
        t.run("small = mnist train 5000 test 100\nmodel ae:\n    dense 16 relu\n    latent 3\n    dense 784 sigmoid")
        t.run("train ae on small epochs 1 batch 100")
        let entry = try XCTUnwrap(t.session.names.model("ae"))
        let network = try XCTUnwrap(entry.network)
        var seen: [Int] = []
        t.sink.onUpdate = {
            // In the middle of `train ae epochs 100`: the file holds the last complete epoch.
            guard network.epochsTrained >= 3, seen.isEmpty else { return }
            if let saved = try? t.autosaved("ae") {
                seen.append(saved.snapshot?.epochsTrained ?? -1)
                XCTAssertEqual(saved.header.epochsTrained, Double(saved.snapshot?.epochsTrained ?? -1))
                XCTAssertEqual(saved.snapshot?.history.count, saved.snapshot?.epochsTrained)
                XCTAssertEqual(saved.header.settings.batch, 50)
            }
            t.session.interruption.raise()
        }
        let out = t.run("train ae epochs 100 batch 50")
        XCTAssertTrue(out.contains("ae: stopped during epoch"), out)
        XCTAssertEqual(seen.count, 1)
        XCTAssertGreaterThanOrEqual(seen.first ?? 0, 3)
        // The interrupted state is written when `train` returns: the part-epoch too.
        let saved = try t.autosaved("ae")
        XCTAssertEqual(saved.snapshot?.stepsTrained, network.stepsTrained)
        XCTAssertEqual(saved.header.epochsTrained, entry.epochsTrained)
        XCTAssertFalse(t.files().contains { $0.hasSuffix(".tmp") })
    }

    /// A `train` whose last epoch was written is not written again when it ends; one that stops
    /// after its last written epoch is, and so is one whose epochs came too soon after a write.
    func testTheEndOfATrainIsWrittenOnlyWhenItIsNew() throws {
        let folder = try AutosaveFolder()
        let t = try folder.kernel()
        t.run("small = mnist train 300 test 50\nmodel ae:\n    dense 8 relu\n    latent 2\n    dense 784 sigmoid")
        var handed = t.autosave.handedModels
        t.run("train ae on small epochs 3 batch 100")
        XCTAssertEqual(t.autosave.handedModels - handed, 3, "one per epoch, none more at the end")
        handed = t.autosave.handedModels
        t.run("train ae steps 4")
        XCTAssertEqual(t.autosave.handedModels - handed, 2, "epoch 4 (3 steps), then the part of epoch 5")
        // At most one write every 2 s during a train: a fast one is written at its end only.
        t.autosave.interval = 2
        handed = t.autosave.handedModels
        t.run("train ae epochs 5")
        XCTAssertEqual(
            t.autosave.handedModels - handed, 1, "its end: its epochs came less than 2 s after the last write")
        t.run("train ae epochs 5")
        XCTAssertEqual(t.autosave.handedModels - handed, 2, "the next one's end too")
        XCTAssertEqual(try t.autosaved("ae").snapshot?.stepsTrained, t.session.names.model("ae")?.network?.stepsTrained)
    }

    func testOldSessionsArePrunedByAgeAndBySize() throws {
        let folder = try AutosaveFolder()
        let fm = FileManager.default
        let now = Date()
        /// A run of another notebook, written `daysAgo`, holding `megabytes` of model.
        func fake(_ key: String, _ run: String, daysAgo: Double, megabytes: Int) throws -> String {
            let dir = folder.base + "/" + key + "/" + run
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let manifest = SessionManifest(
                started: 0, updated: now.timeIntervalSince1970 - daysAgo * 86400, seed: 0,
                names: [.init(name: "ae", kind: .model, file: "ae.model")])
            try Data(manifest.bytes()).write(to: URL(fileURLWithPath: dir + "/session.json"))
            try Data(count: megabytes * 1_000_000).write(to: URL(fileURLWithPath: dir + "/ae.model"))
            return dir
        }
        let ancient = try fake("notebook-a", "r1", daysAgo: 40, megabytes: 1)
        let old = try fake("notebook-a", "r2", daysAgo: 5, megabytes: 2)
        let recent = try fake("notebook-b", "r3", daysAgo: 1, megabytes: 2)
        let newest = try fake("notebook-b", "r4", daysAgo: 0.1, megabytes: 2)
        let t = try folder.kernel()
        t.run("autosave limit 5 MB")
        t.run("model m:\n    dense 8\n    latent 2\n    dense 784")
        t.flush()
        XCTAssertFalse(fm.fileExists(atPath: ancient), "older than 30 days")
        XCTAssertFalse(fm.fileExists(atPath: old), "the oldest beyond the limit")
        XCTAssertFalse(fm.fileExists(atPath: folder.base + "/notebook-a"), "an emptied notebook folder")
        XCTAssertTrue(fm.fileExists(atPath: recent))
        XCTAssertTrue(fm.fileExists(atPath: newest))
        XCTAssertTrue(fm.fileExists(atPath: t.runFolder + "/m.model"), "the current run is kept")
        // A lower limit prunes again, never the current run.
        t.run("autosave limit 3 MB")
        t.flush()
        XCTAssertFalse(fm.fileExists(atPath: recent))
        XCTAssertTrue(fm.fileExists(atPath: newest))
        t.run("autosave limit 1 MB")
        t.flush()
        XCTAssertFalse(fm.fileExists(atPath: newest))
        XCTAssertTrue(fm.fileExists(atPath: t.runFolder + "/m.model"))
    }

    func testAModelOverTheLimitIsNotWrittenAndSaysSoOnce() throws {
        let folder = try AutosaveFolder()
        let t = try folder.kernel()
        t.run("autosave limit 1 MB")
        t.run("small = mnist train 200 test 50\nmodel big:\n    dense 300 relu\n    latent 8\n    dense 784 sigmoid")
        t.flush()  // its definition is written before a newer state could replace it in the queue
        var out = t.run("train big on small steps 1")
        t.flush()
        out += t.run("who") + t.run("who")
        XCTAssertEqual(out.components(separatedBy: "[stderr] autosave: big (").count - 1, 1, out)
        XCTAssertTrue(out.contains("over the limit of 1.0 MB"), out)
        // Its last autosave that fitted stays: the definition, untrained.
        XCTAssertNil(try t.autosaved("big").snapshot)
    }

    func testTheAutosaveStatement() throws {
        let folder = try AutosaveFolder()
        let t = try folder.kernel()
        t.run("small = mnist train 200 test 50")
        var status = t.run("autosave")
        XCTAssertTrue(status.hasPrefix("autosave is on"), status)
        XCTAssertTrue(status.contains("this session: \(t.runFolder) (notebook lessons/01-first.ipynb)"), status)
        XCTAssertTrue(status.contains("written: small (mnist train 200 test 50)"), status)
        XCTAssertTrue(status.contains("of the 500 MB limit"), status)
        XCTAssertTrue(t.run("autosave off").hasPrefix("autosave is off"))
        t.run("model m:\n    dense 8\n    latent 2\n    dense 784")
        XCTAssertFalse(t.files().contains("m.model"), "off writes nothing")
        t.run("autosave on")
        XCTAssertTrue(t.files().contains("m.model"), "on writes what changed meanwhile")
        // Another folder: everything is written there afresh.
        let moved = folder.root + "/elsewhere"
        XCTAssertEqual(t.run("autosave folder \"\(moved)\""), "autosave folder: \(moved)\n")
        XCTAssertTrue(t.runFolder.hasPrefix(moved + "/notebook-01-first.ipynb-"), t.runFolder)
        XCTAssertEqual(t.files(), ["m.model", "session.json"])
        status = t.run("autosave")
        XCTAssertTrue(status.contains("written: small (mnist train 200 test 50), m (untrained"), status)
        // Mistakes.
        XCTAssertTrue(t.fail("autosave limit 0.5 MB").text.contains("at least 1 MB"))
        XCTAssertTrue(t.fail("autosave limit 200MB").text.contains("a number, then a space"))
        XCTAssertTrue(t.fail("autosave limit 20 TB").text.contains("MB or GB"))
        XCTAssertTrue(t.fail("autosave sometimes").text.contains("not an option of autosave"))
        XCTAssertTrue(t.fail("autosave folder \"/proc/latent\"").text.contains("cannot keep sessions"))
        XCTAssertTrue(t.run("autosave limit 2 GB").contains("2000 MB"))
        // A session that keeps nothing (latent run) says autosave is the kernel's.
        let plain = try TestSession()
        XCTAssertTrue(plain.fail("autosave").text.contains("the Jupyter kernel's"))
    }

    func testTheEnvironmentCanAskForEveryEpoch() {
        let location = AutosaveLocation(base: "/b", notebook: nil, kernel: nil, pid: 7)
        let spaced = Autosaver(location: location, environment: [:])
        XCTAssertEqual(spaced.interval, Autosaver.minimumInterval)
        XCTAssertEqual(spaced.costShare, Autosaver.costFactor)
        let everyEpoch = Autosaver(location: location, environment: [Autosaver.everyEpochVariable: "1"])
        XCTAssertEqual(everyEpoch.interval, 0)
        XCTAssertEqual(everyEpoch.costShare, 0)
    }

    func testTheNotebookNamesTheFolderElseTheKernel() {
        let nb = AutosaveLocation(base: "/b", notebook: "course/week 1/Intro.ipynb", kernel: "kernel-1", pid: 7)
        XCTAssertTrue(nb.key.hasPrefix("notebook-Intro.ipynb-"), nb.key)
        let other = AutosaveLocation(base: "/b", notebook: "course/week 2/Intro.ipynb", kernel: "kernel-1", pid: 7)
        XCTAssertNotEqual(nb.key, other.key, "two notebooks of one name in two folders")
        let kernel = AutosaveLocation(base: "/b", notebook: "", kernel: "kernel-abc", pid: 7)
        XCTAssertTrue(kernel.key.hasPrefix("kernel-kernel-abc-"), kernel.key)
        XCTAssertEqual(AutosaveLocation(base: "/b", notebook: nil, kernel: nil, pid: 7).key, "process-7")
        XCTAssertEqual(
            AutosaveLocation.forKernel(
                connectionFile: "/run/jupyter/kernel-9.json",
                environment: ["XDG_DATA_HOME": "/x", "JPY_SESSION_NAME": "a.ipynb"]
            ).base, "/x/latent/sessions")
        XCTAssertEqual(
            AutosaveLocation.defaultBase(environment: ["HOME": "/home/l"]), "/home/l/.local/share/latent/sessions")
        XCTAssertEqual(AutosaveLocation.fileName(model: "ae_2"), "ae_2.model")
        XCTAssertEqual(AutosaveLocation.fileName(model: "modèle"), "mod%C3%A8le.model")
    }
}
