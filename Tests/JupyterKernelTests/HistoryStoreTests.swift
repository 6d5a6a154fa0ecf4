import Foundation
import XCTest

@testable import JupyterKernel

final class HistoryStoreTests: XCTestCase {
    func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("latent-history-\(UUID().uuidString)/h.jsonl")
    }

    func testKeptAcrossRestartsWithANewSessionEachTime() throws {
        let file = temporaryFile()
        let first = HistoryStore(file: file)
        XCTAssertEqual(first.session, 1)
        first.append(line: 1, input: "data = mnist", output: nil)
        first.append(line: 2, input: "data", output: "MNIST 60000 train")
        let second = HistoryStore(file: file)
        XCTAssertEqual(second.session, 2)
        XCTAssertEqual(second.tail(5).map(\.input), ["data = mnist", "data"])
        XCTAssertEqual(second.tail(1).first?.output, "MNIST 60000 train")
        second.append(line: 1, input: "who", output: nil)
        XCTAssertEqual(second.range(session: -1, start: 0, stop: nil).count, 2)
        XCTAssertEqual(second.range(session: 0, start: 0, stop: nil).map(\.input), ["who"])
        XCTAssertEqual(second.range(session: 1, start: 2, stop: 3).map(\.input), ["data"])
    }

    func testSkipsTornLines() throws {
        let file = temporaryFile()
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{\"session\":3,\"line\":1,\"input\":\"who\"}\n{\"sess".utf8).write(to: file)
        let store = HistoryStore(file: file)
        XCTAssertEqual(store.tail(10).map(\.input), ["who"])
        XCTAssertEqual(store.session, 4)
    }

    func testSearchTakesTheLastMatchesAndCanBeUnique() {
        let store = HistoryStore(file: nil)
        for (line, code) in ["train ae epochs 1", "who", "train ae epochs 2", "train ae epochs 1"].enumerated() {
            store.append(line: line + 1, input: code, output: nil)
        }
        XCTAssertEqual(store.search(pattern: "train*", n: nil, unique: false).map(\.line), [1, 3, 4])
        XCTAssertEqual(store.search(pattern: "train*", n: 2, unique: false).map(\.line), [3, 4])
        XCTAssertEqual(store.search(pattern: "train*", n: nil, unique: true).map(\.line), [3, 4])
        XCTAssertEqual(store.search(pattern: "who", n: nil, unique: false).map(\.line), [2])
    }

    func testDefaultLocationFollowsTheEnvironment() {
        XCTAssertEqual(HistoryStore.defaultFile(environment: ["LATENT_HISTORY_FILE": "/x/h.jsonl"])?.path, "/x/h.jsonl")
        XCTAssertNil(HistoryStore.defaultFile(environment: ["LATENT_HISTORY_FILE": ""]))
        XCTAssertEqual(
            HistoryStore.defaultFile(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/u"])?.path,
            "/data/latent/history.jsonl")
        XCTAssertEqual(
            HistoryStore.defaultFile(environment: ["HOME": "/home/u"])?.path,
            "/home/u/.local/share/latent/history.jsonl")
    }

    func testGlobPatterns() {
        XCTAssertTrue(GlobPattern("tr*n").matches("train"))
        XCTAssertFalse(GlobPattern("tr*n").matches("trains"))
        XCTAssertTrue(GlobPattern("1?2*").matches("1+2 more"))
        XCTAssertTrue(GlobPattern("[a-c]x").matches("bx"))
        XCTAssertFalse(GlobPattern("[!a-c]x").matches("bx"))
        XCTAssertTrue(GlobPattern("*").matches(""))
        XCTAssertTrue(GlobPattern("epochs").matches("train ae epochs 5"), "no wildcard: substring")
        XCTAssertFalse(GlobPattern("a*b*c").matches("aXbY"))
    }
}
