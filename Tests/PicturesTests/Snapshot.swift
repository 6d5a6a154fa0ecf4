import Foundation
import XCTest

/// Snapshot files live in Tests/PicturesTests/Reference/Snapshots. Run the tests with
/// LATENT_RECORD=1 to (re-)record them: that run fails, naming each snapshot it wrote, so a new
/// snapshot is always looked at before a run without LATENT_RECORD trusts it. A missing snapshot
/// is recorded the same way, and the test fails once. Under CI (`CI=true`) nothing is recorded:
/// LATENT_RECORD=1 and a missing snapshot fail the test. (Tests/SessionTests/Recording.swift
/// has the same rules for the golden scripts.)
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Reference/Snapshots")

    static var onCI: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    /// Whether this run records snapshots; asking for it under CI fails the test instead.
    static func recording(file: StaticString, line: UInt) -> Bool {
        guard ProcessInfo.processInfo.environment["LATENT_RECORD"] == "1" else { return false }
        if onCI {
            XCTFail(
                "LATENT_RECORD=1 is refused when CI=true: snapshots are recorded on a developer's machine, read, "
                    + "and committed", file: file, line: line)
            return false
        }
        return true
    }

    static func assertMatches(_ bytes: [UInt8], named name: String, file: StaticString = #filePath, line: UInt = #line)
    {
        let url = directory.appendingPathComponent(name)
        let exists = FileManager.default.fileExists(atPath: url.path)
        if recording(file: file, line: line) || (!exists && !onCI) {
            let old = try? Data(contentsOf: url)
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            XCTAssertNoThrow(try Data(bytes).write(to: url), file: file, line: line)
            let what = old == nil ? "a new snapshot" : old == Data(bytes) ? "unchanged" : "changed"
            XCTFail(
                "recorded \(name) (\(what)); look at it, then run again without LATENT_RECORD", file: file, line: line)
            return
        }
        if !exists {
            XCTFail(
                "there is no snapshot \(name); record it with LATENT_RECORD=1 off CI and commit it", file: file,
                line: line)
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
