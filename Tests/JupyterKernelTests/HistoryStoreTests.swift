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

    func write(_ entries: [HistoryEntry], to file: URL, then extra: String = "") throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        var data = Data()
        for entry in entries {
            data.append(try encoder.encode(entry))
            data.append(UInt8(ascii: "\n"))
        }
        data.append(Data(extra.utf8))
        try data.write(to: file)
    }

    func testStartUpReadsOnlyTheTailAndTheRestOnRequest() throws {
        let file = temporaryFile()
        let old = (0..<10_000).map {
            HistoryEntry(session: 1 + $0 / 100, line: 1 + $0 % 100, input: "train ae epochs \($0)", output: nil)
        }
        try write(old, to: file)
        let store = HistoryStore(file: file)
        XCTAssertEqual(store.session, 101)
        XCTAssertNil(store.loaded, "start-up reads no entry beyond the tail")
        store.append(line: 1, input: "who", output: nil)
        XCTAssertNil(store.loaded, "this session's range needs no read either")
        XCTAssertEqual(store.range(session: 0, start: 0, stop: nil).map(\.input), ["who"])
        XCTAssertEqual(store.tail(2).map(\.input), ["train ae epochs 9999", "who"])
        XCTAssertEqual(store.loaded?.count, 10_000, "the newest 10,000 entries")
        XCTAssertEqual(
            store.range(session: 3, start: 5, stop: 7).map(\.input), ["train ae epochs 204", "train ae epochs 205"])
        XCTAssertEqual(store.search(pattern: "*epochs 99?", n: 2, unique: false).map(\.line), [99, 100])
        store.append(line: 2, input: "train ae epochs 9999", output: nil)
        XCTAssertEqual(store.search(pattern: "*9999", n: nil, unique: true).map(\.session), [101])
    }

    func testAnOldOversizedLastLineStillGivesTheSession() throws {
        let file = temporaryFile()
        let big = HistoryEntry(session: 7, line: 1, input: String(repeating: "#", count: 1_000_000), output: nil)
        try write([HistoryEntry(session: 6, line: 1, input: "who", output: nil), big], to: file, then: "{\"sess")
        XCTAssertEqual(HistoryStore(file: file).session, 8)
    }

    func testOneEntryStoresAtMostTheLimit() throws {
        let file = temporaryFile()
        let store = HistoryStore(file: file)
        let hugeCode = String(repeating: "print data\n", count: 3_000)
        store.append(line: 1, input: hugeCode, output: nil)
        store.append(line: 2, input: "print data", output: String(repeating: "é", count: 20_000))
        let reread = HistoryStore(file: file)
        let kept = reread.tail(2)
        XCTAssertEqual(
            kept[0].input, "# a cell of \(hugeCode.utf8.count) bytes, over history's limit of 16384, is not kept")
        XCTAssertEqual(kept[1].input, "print data")
        XCTAssertLessThanOrEqual(kept[1].output!.utf8.count, HistoryStore.entryLimit + 3)
        XCTAssertTrue(kept[1].output!.hasPrefix("éééé"))
        XCTAssertTrue(kept[1].output!.hasSuffix("…"))
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        XCTAssertLessThan(size, 2 * HistoryStore.entryLimit + 1_000)
    }

    func testAFileOverItsBudgetIsRewrittenToTheNewest() throws {
        let file = temporaryFile()
        let filler = String(repeating: "x", count: 10_000)
        let entries = (0..<1_800).map { HistoryEntry(session: 1 + $0 / 1000, line: $0, input: filler, output: nil) }
        try write(entries, to: file)
        let store = HistoryStore(file: file)
        XCTAssertEqual(store.session, 3)
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        XCTAssertLessThanOrEqual(size, HistoryStore.fileBudget)
        let kept = HistoryStore(file: file).tail(10_000)
        XCTAssertEqual(kept.last?.line, 1_799)
        // Each line is the 10,000 bytes of code and about 45 of JSON.
        XCTAssertEqual(Double(kept.count), Double(HistoryStore.fileBudget) / 10_045, accuracy: 2)
    }

    func testAnUnwritableFileLosesNothingOfTheSession() {
        let store = HistoryStore(file: URL(fileURLWithPath: "/dev/null/latent/h.jsonl"))
        store.append(line: 1, input: "data = mnist", output: nil)
        XCTAssertEqual(store.tail(5).map(\.input), ["data = mnist"])
        XCTAssertEqual(store.range(session: 0, start: 0, stop: nil).count, 1)
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
