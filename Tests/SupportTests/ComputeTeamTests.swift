import Synchronization
import XCTest

@testable import Support

/// The compute team runs every part exactly once, whatever the nesting, covers every range once,
/// and sleeps when idle.
final class ComputeTeamTests: XCTestCase {
    func testEveryPartRunsExactlyOnce() {
        let team = ComputeTeam.shared
        for waiting in [ComputeTeam.Waiting.spinning, .yielding] {
            for parts in [0, 1, 2, 3, 7, 64, 1000] {
                let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(parts, 1))
                defer { counts.deallocate() }
                counts.initialize(repeating: 0)
                team.run(parts: parts, waiting: waiting) { part in counts[part] += 1 }
                XCTAssertEqual(
                    Array(counts.prefix(parts)), Array(repeating: 1, count: parts), "\(parts) parts, \(waiting)")
            }
        }
    }

    /// Workers spin only briefly after a job, then sleep: an idle kernel must not hold a core.
    func testIdleWorkersSleep() {
        let team = ComputeTeam.shared
        team.run(parts: 8) { _ in }
        usleep(20_000)
        let before = team.workerCPUSeconds()
        usleep(300_000)
        // A worker spinning all along would add 0.3 s each.
        XCTAssertLessThan(team.workerCPUSeconds() - before, 0.01)
    }

    func testJobsInsideJobsRunOnTheirCaller() {
        let team = ComputeTeam.shared
        let total = Atomic<Int>(0)
        team.run(parts: 4) { outer in
            team.run(parts: 5) { inner in total.add(outer * 10 + inner + 1, ordering: .relaxed) }
        }
        // Σ over outer 0..3, inner 0..4 of (10 outer + inner + 1) = 10·6·5 + 4·15 = 360.
        XCTAssertEqual(total.load(ordering: .relaxed), 360)
    }

    func testRangesCoverEverythingOnceAndAligned() {
        for (count, minimum) in [(0, 16), (5, 16), (100, 16), (4097, 64), (100_000, 4096)] {
            let seen = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
            defer { seen.deallocate() }
            seen.initialize(repeating: 0)
            let misaligned = Atomic<Int>(0)
            ComputeTeam.shared.forEachRange(count, minimum: minimum, alignment: 16) { band in
                if band.lowerBound % 16 != 0 { misaligned.add(1, ordering: .relaxed) }
                for i in band { seen[i] += 1 }
            }
            XCTAssertEqual(Array(seen.prefix(count)), Array(repeating: 1, count: count), "count \(count)")
            XCTAssertEqual(misaligned.load(ordering: .relaxed), 0)
        }
    }

    func testPiecesCoverEverythingOnceInOrder() {
        for (count, pieces) in [(0, nil), (1, nil), (5, 16), (100, 3), (1000, nil), (10_001, 7)] as [(Int, Int?)] {
            let seen = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
            defer { seen.deallocate() }
            seen.initialize(repeating: 0)
            let ranges = Atomic<Int>(0)
            ComputeTeam.shared.forEachPiece(count, pieces: pieces) { range in
                ranges.add(1, ordering: .relaxed)
                for i in range { seen[i] += 1 }
            }
            XCTAssertEqual(Array(seen.prefix(count)), Array(repeating: 1, count: count), "count \(count)")
            let expected = max(1, min(pieces ?? 4 * ComputeTeam.shared.threads, count))
            XCTAssertEqual(ranges.load(ordering: .relaxed), expected, "count \(count)")
        }
    }
}
