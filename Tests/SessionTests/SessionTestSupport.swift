import Foundation
import XCTest

@testable import Session

/// A session in a fresh temporary folder, with helpers to run cells and compare states.
final class TestSession {
    let session: LessonSession
    let sink = RecordingSink()
    let directory: String

    /// `autosave`: where the session keeps itself (nil: it keeps nothing, as `latent run`).
    init(directory: String? = nil, autosave: AutosaveLocation? = nil) throws {
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("latent-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        session = LessonSession(workingDirectory: self.directory, autosave: autosave)
        session.showsTimings = false
    }

    /// Removes its folder unless another session shares it (`keepsDirectory`).
    var keepsDirectory = false

    deinit { if !keepsDirectory { try? FileManager.default.removeItem(atPath: directory) } }

    @discardableResult
    func run(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        sink.text = ""
        let outcome = session.execute(code, output: sink)
        if case .error(_, let message, let traceback) = outcome {
            XCTFail("unexpected error: \(message)\n\(traceback.joined(separator: "\n"))", file: file, line: line)
        }
        if case .ok(let result?) = outcome { return sink.text + result.text }
        return sink.text
    }

    /// Runs a cell that must fail; returns the rendered error.
    func fail(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> (name: String, text: String) {
        let outcome = session.execute(code, output: sink)
        guard case .error(let name, _, let traceback) = outcome else {
            XCTFail("expected an error from: \(code)", file: file, line: line)
            return ("", "")
        }
        return (name, traceback.joined(separator: "\n"))
    }

    /// Everything observable about the session's state, weights included.
    var fingerprint: String {
        var parts = ["seed \(session.seed)", "order \(session.names.order)"]
        for name in session.names.order {
            if let d = session.names.data(name) { parts.append("\(name): \(d.sizeText) \(d.trainImages.pixels.count)") }
            if let m = session.names.model(name) {
                let weights = m.network?.parameters.map { $0.value.data.reduce(0, +) } ?? []
                parts.append(
                    "\(name): \(m.specs.map(\.text)) \(m.initializer) \(m.settings) \(m.epochsTrained) \(weights) "
                        + "\(m.network?.history.count ?? -1) \(m.trainedOnName ?? "-") \(m.network?.optimizerState?.step ?? -1)"
                )
            }
        }
        return parts.joined(separator: "\n")
    }
}

/// The code cells of every lesson notebook (Lessons/*.ipynb), for the fuzz tests' corpora.
enum LessonCells {
    static func all() throws -> [String] {
        let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Lessons"
        )
        .standardized
        var cells = [String]()
        for file in try FileManager.default.contentsOfDirectory(atPath: lessons.path).sorted()
        where file.hasSuffix(".ipynb") {
            let data = try Data(contentsOf: lessons.appendingPathComponent(file))
            let notebook = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            for cell in notebook?["cells"] as? [[String: Any]] ?? [] where cell["cell_type"] as? String == "code" {
                let source = cell["source"]
                cells.append((source as? [String])?.joined() ?? (source as? String) ?? "")
            }
        }
        return cells
    }
}
