import Foundation
import XCTest

/// Snapshot files live in Tests/PicturesTests/Reference/Snapshots. Run the tests with
/// LATENT_RECORD=1 to (re-)record them; a missing snapshot is recorded and the test fails once,
/// so a new snapshot is always looked at before it is trusted.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Reference/Snapshots")

    static var recording: Bool { ProcessInfo.processInfo.environment["LATENT_RECORD"] == "1" }

    static func assertMatches(_ bytes: [UInt8], named name: String, file: StaticString = #filePath, line: UInt = #line)
    {
        let url = directory.appendingPathComponent(name)
        if recording || !FileManager.default.fileExists(atPath: url.path) {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            XCTAssertNoThrow(try Data(bytes).write(to: url), file: file, line: line)
            if !recording { XCTFail("recorded new snapshot \(name); check it and run again", file: file, line: line) }
            return
        }
        guard let stored = try? Data(contentsOf: url) else {
            XCTFail("cannot read snapshot \(name)", file: file, line: line)
            return
        }
        if Array(stored) != bytes {
            let actual = directory.appendingPathComponent(name + ".actual")
            try? Data(bytes).write(to: actual)
            XCTFail(
                "\(name) differs from its snapshot; the new output is in \(actual.lastPathComponent) (LATENT_RECORD=1 accepts it)",
                file: file, line: line)
        }
    }

    static func assertMatches(_ text: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
        assertMatches(Array(text.utf8), named: name, file: file, line: line)
    }
}
