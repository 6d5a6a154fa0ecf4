import Foundation
import XCTest

@testable import Session

final class SaveLoadTests: XCTestCase {
    func trained() throws -> TestSession {
        let t = try TestSession()
        t.run(SessionBehaviourTests.setup)
        t.run("save ae \"ae.model\"")
        return t
    }

    func testRoundTripKeepsWeightsOptimizerHistoryAndSettings() throws {
        let t = try trained()
        t.run("load ae2 \"ae.model\"")
        let a = try XCTUnwrap(t.session.names.model("ae")?.network),
            b = try XCTUnwrap(t.session.names.model("ae2")?.network)
        XCTAssertEqual(a.parameters.map(\.value), b.parameters.map(\.value))
        XCTAssertEqual(a.optimizerState, b.optimizerState)
        XCTAssertEqual(a.history, b.history)
        XCTAssertEqual(t.session.names.model("ae2")?.settings, t.session.names.model("ae")?.settings)
        XCTAssertEqual(
            t.run("evaluate ae on small.test"),
            t.run("evaluate ae2 on small.test").replacingOccurrences(of: "ae2", with: "ae"))
        // Training goes on identically from both.
        t.run("train ae on small steps 2\ntrain ae2 on small steps 2")
        XCTAssertEqual(t.run("ae.loss"), t.run("ae2.loss"))
        // No temporary file is left beside it.
        let files = try FileManager.default.contentsOfDirectory(atPath: t.directory)
        XCTAssertEqual(files, ["ae.model"])
    }

    /// The same model gives the same bytes, saved twice (keys in order): a file can be compared
    /// with another to tell whether two models are the same.
    func testTheSameModelGivesTheSameBytes() throws {
        let t = try trained()
        t.run("save ae \"again.model\"")
        let read = { (name: String) in try Data(contentsOf: URL(fileURLWithPath: t.directory + "/" + name)) }
        XCTAssertEqual(try read("again.model"), try read("ae.model"))
    }

    /// Writes go to a temporary file, flushed, then renamed: a reader never sees half a file.
    func testAReaderNeverSeesHalfAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/m.model"
        let payloads = (0..<2).map { k in
            ModelFile.encode((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* (k + 3)) })
        }
        try ModelFile.writeAtomically(payloads[0], to: path)
        final class Reads: @unchecked Sendable {
            let lock = NSLock()
            var count = 0
            var failures = [String]()
            let stop = DispatchSemaphore(value: 0)
            let finished = DispatchSemaphore(value: 0)
        }
        let reads = Reads()
        let reader = Thread {
            while reads.stop.wait(timeout: .now()) == .timedOut {
                do {
                    _ = try ModelFile.read(path)
                    reads.lock.withLock { reads.count += 1 }
                } catch {
                    reads.lock.withLock { reads.failures.append("\(error)") }
                }
            }
            reads.finished.signal()
        }
        reader.start()
        for i in 0..<30 { try ModelFile.writeAtomically(payloads[i % 2], to: path) }
        reads.stop.signal()
        reads.finished.wait()
        XCTAssertEqual(reads.failures, [])
        XCTAssertGreaterThan(reads.count, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["m.model"])
        // A folder that does not exist is said, and nothing is left behind.
        XCTAssertThrowsError(try ModelFile.writeAtomically([1], to: dir.path + "/missing/m.model"))
    }

    /// Training settings are saved in the form the language's own enums gave them before the
    /// words moved to Terms, `mae` included: such settings still load, and load as the engine's.
    func testSettingsSavedBeforeTheSharedWordsStillLoad() throws {
        let saved =
            #"{"length":{"steps":{"_0":3}},"batch":50,"loss":"mae","optimizer":"sgd","learningRate":0.01,"noise":{"gaussian":{"_0":0.5}}}"#
        let settings = try JSONDecoder().decode(TrainSettings.self, from: Data(saved.utf8))
        XCTAssertEqual(settings.length, .steps(3))
        XCTAssertEqual(settings.loss, .l1)
        XCTAssertEqual(settings.optimizer, .sgd)
        XCTAssertEqual(settings.noise, .gaussian(0.5))
        XCTAssertEqual(settings.trainingOptions.optimizer, .sgd())
        let again = try JSONDecoder().decode(TrainSettings.self, from: JSONEncoder().encode(settings))
        XCTAssertEqual(again, settings)
        let masked =
            #"{"length":{"epochs":{"_0":2}},"batch":200,"loss":"bce","optimizer":"adam","learningRate":0.001,"noise":{"mask":{"_0":0.25}}}"#
        XCTAssertEqual(try JSONDecoder().decode(TrainSettings.self, from: Data(masked.utf8)).noise, .mask(0.25))
        let unknown =
            #"{"length":{"epochs":{"_0":2}},"batch":200,"loss":"hinge","optimizer":"adam","learningRate":0.001,"noise":{"none":{}}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(TrainSettings.self, from: Data(unknown.utf8)))
    }

    func testUntrainedModelRoundTrip() throws {
        let t = try TestSession()
        t.run("model m:\n    dense 8\n    latent 2\n    dense 784\nsave m \"m.model\"\nload m2 \"m.model\"")
        XCTAssertNil(t.session.names.model("m2")?.network)
        XCTAssertEqual(t.session.names.model("m2")?.specs, t.session.names.model("m")?.specs)
    }

    func testInitSchemeReachesTheEngineAndSurvivesSaveAndLoad() throws {
        let t = try TestSession()
        let layers = ":\n    dense 8 relu\n    latent 2\n    dense 784 sigmoid"
        t.run("small = mnist train 200 test 100\nseed 5\nmodel g" + layers + "\nmodel p init pytorch" + layers)
        t.run("train g on small epochs 1\ntrain p on small epochs 1")
        let g = try XCTUnwrap(t.session.names.model("g")?.network),
            p = try XCTUnwrap(t.session.names.model("p")?.network)
        XCTAssertEqual(g.initializer, .glorotUniform)
        XCTAssertEqual(p.initializer, .pytorchDefault)
        XCTAssertNotEqual(g.history.first?.trainLoss, p.history.first?.trainLoss)
        XCTAssertTrue(t.run("summary p").contains("init pytorch"))
        t.run(
            "save p \"p.model\"\nload q \"p.model\"\nmodel u init kaiming" + layers
                + "\nsave u \"u.model\"\nload v \"u.model\"")
        XCTAssertEqual(t.session.names.model("q")?.initializer, .pytorchDefault)
        XCTAssertEqual(t.session.names.model("v")?.initializer, .kaimingNormal)  // untrained: from the header
        // A file saved before `init` existed has no scheme in its header: it loads as glorot.
        let entry = try XCTUnwrap(t.session.names.model("u"))
        let header = SavedModel.Header(
            name: "old", specs: entry.specs, seed: 1, initializer: nil, settings: entry.settings, epochsTrained: 0,
            trainedOnName: nil, savedBy: "Latent 0.1", hasNetwork: false)
        let json = String(decoding: try JSONEncoder().encode(header), as: UTF8.self)
        XCTAssertFalse(json.contains("initializer"))
        let bytes = ModelFile.encode(try SavedModel(header: header, snapshot: nil).bytes())
        try Data(bytes).write(to: URL(fileURLWithPath: t.directory + "/old.model"))
        t.run("load old \"old.model\"")
        XCTAssertEqual(t.session.names.model("old")?.initializer, .glorotUniform)
    }

    func damage(_ t: TestSession, _ change: (inout [UInt8]) -> Void) throws -> String {
        let path = t.directory + "/ae.model"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        change(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: t.directory + "/bad.model"))
        let before = t.fingerprint
        let (name, text) = t.fail("load ae \"bad.model\"")
        XCTAssertEqual(name, "FileError")
        XCTAssertEqual(t.fingerprint, before, "a failed load changed the session")
        return text
    }

    func testTruncatedFile() throws {
        let t = try trained()
        let text = try damage(t) { $0.removeLast($0.count / 3) }
        XCTAssertTrue(text.contains("is cut short"), text)
        XCTAssertTrue(try damage(t) { $0.removeLast($0.count - 20) }.contains("cut short"))
    }

    func testFlippedByte() throws {
        let t = try trained()
        for offset in [40, 1000, 100_000] {
            let text = try damage(t) { $0[offset] ^= 0x10 }
            XCTAssertTrue(text.contains("damaged"), text)
        }
    }

    /// Saving never replaces what is not a file: a folder, a pipe (a device, such as /dev/full,
    /// is refused by the same rule; replacing one as root would break the machine, so the test
    /// uses a pipe). The pipe is still a pipe afterwards.
    func testSavingOverWhatIsNotAFileIsRefused() throws {
        let t = try trained()
        try FileManager.default.createDirectory(atPath: t.directory + "/folder", withIntermediateDirectories: true)
        XCTAssertTrue(t.fail("save ae \"folder\"").text.contains("it is a folder"))
        XCTAssertEqual(mkfifo(t.directory + "/pipe", 0o600), 0)
        let text = t.fail("save ae \"pipe\"").text
        XCTAssertTrue(text.contains("it is not a file"), text)
        var info = stat()
        XCTAssertEqual(lstat(t.directory + "/pipe", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
        XCTAssertTrue(t.run("save ae \"ae2.model\"").contains("saved ae"))
    }

    func testForeignFile() throws {
        let t = try trained()
        XCTAssertTrue(
            try damage(t) { $0 = Array("\u{89}PNG\r\n\u{1a}\n not a model at all".utf8) }.contains(
                "not a Latent model file"))
        XCTAssertTrue(try damage(t) { $0 = [] }.contains("not a Latent model file"))
    }

    /// A file from a later Latent, in the file's format or in the engine's snapshot inside it,
    /// says so and what to do; an unknown older version is named too. The session stays as it was.
    func testFormatsThisLatentDoesNotRead() throws {
        let t = try trained()
        let bad = "line 1: \"\(t.directory)/bad.model\" cannot be loaded: "
        let newer =
            bad + "this model was saved by a newer Latent (format 9); this one reads formats up to 1: update Latent"
        let later = try damage(t) { $0[12] = 9 }
        XCTAssertTrue(later.hasPrefix(newer), later)
        let unknown = try damage(t) { $0[12] = 0 }
        XCTAssertTrue(
            unknown.hasPrefix(
                bad + "this model is in format 0, which this Latent does not read (it reads format 1)"), unknown)

        // The snapshot inside a well-formed file of today's file format, from a later engine.
        let saved = try SavedModel.read(try ModelFile.read(t.directory + "/ae.model").payload, version: 1)
        var snapshot = try XCTUnwrap(saved.snapshot)
        snapshot.formatVersion = 3
        let file = ModelFile.encode(try SavedModel(header: saved.header, snapshot: snapshot).bytes())
        let future = try damage(t) { $0 = file }
        XCTAssertTrue(
            future.hasPrefix(
                bad + "this model was saved by a newer Latent (format 3); this one reads formats up to 2: update Latent"
            ),
            future)
    }

    func testTheFileFormatWrittenIsTheNewestRead() {
        XCTAssertEqual(SavedModel.formats.newestVersion, Int(ModelFile.version))
        XCTAssertEqual(SavedModel.formats.oldestVersion, 1)
    }

    func testContainerChecksEachPart() throws {
        let payload = Array("hello".utf8)
        let file = ModelFile.encode(payload)
        XCTAssertEqual(try ModelFile.decode(file, path: "p").payload, payload)
        XCTAssertEqual(try ModelFile.decode(file, path: "p").version, 1)
        var longer = file
        longer.append(0)
        XCTAssertThrowsError(try ModelFile.decode(longer, path: "p")) {
            XCTAssertEqual($0 as? ModelFile.Problem, .corrupt("p"))
        }
    }
}
