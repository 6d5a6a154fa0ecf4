import Foundation
import XCTest

/// `LATENT_RECORD=1 swift test --filter GoldenScriptTests` writes the expected files anew instead
/// of comparing with them. A recording run never passes: every test that recorded fails, naming
/// what it wrote, so the new files are read (`git diff`) before a run without LATENT_RECORD
/// trusts them. Under CI (`CI=true`) recording is refused. Tests/PicturesTests/Snapshot.swift
/// has the same rules for the picture snapshots.
enum Recording {
    /// Whether this run records expected files; asking for it under CI fails the test instead.
    static func isOn(file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        guard environment["LATENT_RECORD"] == "1" else { return false }
        if environment["CI"]?.lowercased() == "true" {
            XCTFail(
                "LATENT_RECORD=1 is refused when CI=true: expected files are recorded on a developer's machine, "
                    + "read, and committed", file: file, line: line)
            return false
        }
        return true
    }

    /// Writes the new expected file and fails the test, saying what it wrote.
    static func record(_ bytes: [UInt8], to url: URL, file: StaticString = #filePath, line: UInt = #line) {
        let old = try? Data(contentsOf: url)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            XCTFail("cannot record \(url.lastPathComponent): \(error)", file: file, line: line)
            return
        }
        let what = old == nil ? "a new file" : old == Data(bytes) ? "unchanged" : "changed"
        XCTFail(
            "recorded \(url.lastPathComponent) (\(what)); read the diff, then run again without LATENT_RECORD",
            file: file, line: line)
    }
}
