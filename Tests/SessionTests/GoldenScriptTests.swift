import Foundation
import XCTest

@testable import Session

/// Runs every Tests/SessionTests/scripts/NAME.latent and compares its text output with
/// NAME.expected. Cells are separated by lines starting with `#%%`. Re-record with
/// `LATENT_RECORD=1 swift test --filter GoldenScriptTests` (that run fails, naming each file it
/// wrote; see Recording), read the diff, and run again without it.
final class GoldenScriptTests: XCTestCase {
    static let scriptsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("scripts")

    func testGoldenScripts() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.scriptsDirectory.path)
            .filter { $0.hasSuffix(".latent") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 5)
        let record = Recording.isOn()
        for file in files {
            let url = Self.scriptsDirectory.appendingPathComponent(file)
            let source = try String(contentsOf: url, encoding: .utf8)
            let actual = try GoldenRunner.run(source)
            let expectedURL = url.deletingPathExtension().appendingPathExtension("expected")
            if record {
                Recording.record(Array(actual.utf8), to: expectedURL)
                continue
            }
            guard let expected = try? String(contentsOf: expectedURL, encoding: .utf8) else {
                XCTFail("\(file) has no .expected file; record it with LATENT_RECORD=1")
                continue
            }
            if actual != expected {
                XCTFail(
                    "\(file): output differs from \(expectedURL.lastPathComponent)\n"
                        + firstDifference(expected, actual))
            }
        }
    }

    private func firstDifference(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? String(x[i]) : "<end>", r = i < y.count ? String(y[i]) : "<end>"
            if l != r { return "line \(i + 1):\n  expected: \(l)\n  actual:   \(r)" }
        }
        return ""
    }
}

/// Runs a script cell by cell in a fresh session inside a temporary folder, and returns what
/// a learner would read.
enum GoldenRunner {
    static func run(_ source: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Fixtures.write(into: dir.path)
        setenv("LATENT_FASHION_DIR", dir.path + "/no-fashion-here", 1)

        let session = LessonSession(workingDirectory: dir.path)
        session.showsTimings = false
        let sink = RecordingSink()
        var cells = [[String]]()
        var current = [String]()
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#%%") {
                cells.append(current)
                current = []
            }
            current.append(String(line))
        }
        cells.append(current)
        var out = ""
        for cell in cells where cell.contains(where: { !$0.isEmpty && !$0.hasPrefix("#") }) {
            sink.text = ""
            let outcome = session.execute(cell.joined(separator: "\n"), output: sink)
            out += (cell.first?.hasPrefix("#%%") == true ? cell[0] : "#%%") + "\n" + sink.text
            switch outcome {
            case .ok(let result): if let result { out += result.text + "\n" }
            case .error(let name, _, let traceback): out += "\(name): " + traceback.joined(separator: "\n") + "\n"
            }
        }
        return out.replacingOccurrences(of: dir.path, with: "$TMP")
    }
}

/// An output sink that keeps the text a learner would read, in order.
final class RecordingSink: OutputSink {
    var text = ""
    var updates = 0
    var displays: [MimeBundle] = []
    var onUpdate: (() -> Void)?

    func stream(_ text: String, on stream: StreamName) {
        self.text += stream == .stderr ? "[stderr] " + text : text
    }
    /// Called when a display with an id (training's progress) is first shown.
    var onLiveDisplay: (() -> Void)?

    func display(_ bundle: MimeBundle, id: String?) {
        displays.append(bundle)
        if id == nil { text += bundle.text + "\n" } else { onLiveDisplay?() }
    }
    func update(_ bundle: MimeBundle, id: String) {
        updates += 1
        lastUpdate = bundle
        onUpdate?()
    }
    /// The last update of a display: a training run's final state.
    var lastUpdate: MimeBundle?
    var showsLivePictures = true
}

/// Files the scripts refer to: a text file posing as IDX, a truncated IDX, small valid IDX files.
enum Fixtures {
    static func write(into dir: String) throws {
        func put(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        try put("notes.txt", Array("these are not images\n".utf8))
        // 3 images of 2x2 and 3 labels, raw (not gzipped) IDX.
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + (0..<12).map { UInt8($0 * 20) }
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 1]
        try put("tiny-images.idx", images)
        try put("tiny-labels.idx", labels)
        try put("short-images.idx", Array(images.dropLast(5)))
        try put("four-labels.idx", [0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 1, 0])
    }
}
