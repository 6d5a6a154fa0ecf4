import Datasets
import Foundation
import XCTest

@testable import Session

/// The kernel knows the memory it may use and weighs work against it before allocating: a
/// statement that would not fit is refused with the estimate, the limit and what to change.
final class MemoryBudgetTests: XCTestCase {
    func testTheLimitComesFromTheEnvironmentThenTheCgroup() throws {
        XCTAssertEqual(MemoryBudget.parseBytes("512M"), 512 << 20)
        XCTAssertEqual(MemoryBudget.parseBytes("1.5G"), 3 << 29)
        XCTAssertEqual(MemoryBudget.parseBytes("300000000"), 300_000_000)
        XCTAssertEqual(MemoryBudget.parseBytes("2GB"), 2_000_000_000)
        XCTAssertNil(MemoryBudget.parseBytes("lots"))
        XCTAssertNil(MemoryBudget.parseBytes("-5M"))

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let v1 = root + "/memory/class/alice"
        let v2 = root + "/hub/bob"
        for dir in [v1, v2] { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try "268435456\n".write(toFile: v1 + "/memory.limit_in_bytes", atomically: true, encoding: .utf8)
        try "max\n".write(toFile: v2 + "/memory.max", atomically: true, encoding: .utf8)

        let inV1 = "4:memory:/class/alice\n0::/\n"
        XCTAssertEqual(MemoryBudget.fromEnvironment([:], cgroupRoot: root, ownCgroups: inV1).limit, 256 << 20)
        XCTAssertEqual(
            MemoryBudget.fromEnvironment(["MEM_LIMIT": "1073741824"], cgroupRoot: root, ownCgroups: inV1).limit, 1 << 30
        )
        let chosen = MemoryBudget.fromEnvironment(
            ["MEM_LIMIT": "1073741824", "LATENT_MEMORY_LIMIT": "300M"], cgroupRoot: root, ownCgroups: inV1)
        XCTAssertEqual(chosen.limit, 300 << 20)
        XCTAssertEqual(chosen.source, "LATENT_MEMORY_LIMIT")
        // v2 "max" is no limit: the machine's memory.
        let unlimited = MemoryBudget.fromEnvironment([:], cgroupRoot: root, ownCgroups: "0::/hub/bob\n")
        XCTAssertEqual(unlimited.limit, Int(ProcessInfo.processInfo.physicalMemory))
        try "500000000\n".write(toFile: v2 + "/memory.max", atomically: true, encoding: .utf8)
        XCTAssertEqual(
            MemoryBudget.fromEnvironment([:], cgroupRoot: root, ownCgroups: "0::/hub/bob\n").limit, 500_000_000)
    }

    /// A session with 150 MB to spare: what fits runs, what does not is refused and changes nothing.
    func testWorkThatWouldNotFitIsRefusedBeforeItIsAllocated() throws {
        let t = try TestSession()
        t.run("data = mnist\nsmall = data.train[0:500]")
        let resident = MemoryBudget.residentBytes()
        t.session.memory = MemoryBudget(limit: resident + MemoryBudget.margin + 150_000_000, source: "a test")
        let before = t.fingerprint

        t.run("model fits:\n    dense 2000 relu\n    latent 8\n    dense 784 sigmoid\nsummary fits")
        t.session.names.delete("fits")
        let (name, text) = t.fail(
            "model huge:\n    dense 30000 relu\n    latent 8\n    dense 784 sigmoid\nsummary huge")
        t.session.names.delete("huge")
        XCTAssertEqual(name, "ValueError")
        XCTAssertTrue(
            text.contains(
                "huge (23,797,064 values, with their gradients and optimizer state) would need about 381 MB of memory"),
            text)
        XCTAssertTrue(text.contains("expected smaller layers, or fewer of them"), text)
        XCTAssertTrue(text.contains("the kernel may use"), text)
        XCTAssertTrue(text.contains("(from a test)"), text)

        let kpca = t.fail("embed data.train[0:5000] kernelpca").text
        XCTAssertTrue(kpca.contains("kernelpca of 5,000 images would need about 300 MB"), kpca)
        XCTAssertTrue(kpca.contains("expected fewer images, e.g. data.train[0:5000][0:1250]"), kpca)

        let dir = try Datasets.MNIST.directory()
        let files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"].map { "\"\(dir)/\($0)\"" }
        XCTAssertTrue(t.fail("big = idx \(files[0]) \(files[1])").text.contains("loading these files would need about"))
        XCTAssertEqual(t.fingerprint, before)
        // What fits still runs.
        t.run("embed small pca")
    }
}
