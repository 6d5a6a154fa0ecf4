import XCTest

@testable import Support

/// The generators' sequences are part of every result a seed repeats (weights, shuffles, a
/// t-SNE start): pinned here so that a change to them is noticed.
final class SeededGeneratorTests: XCTestCase {
    func testSplitMix64GivesTheReferenceSequence() {
        // Vigna's splitmix64.c from state 0.
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(
            [g.next(), g.next(), g.next()], [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    func testSeededGeneratorIsXoshiroSeededBySplitMix() {
        let g = SeededGenerator(seed: 1)
        XCTAssertEqual(
            [g.next(), g.next(), g.next()], [0xB3F2_AF6D_0FC7_10C5, 0x853B_5596_4736_4CEA, 0x92F8_9756_082A_4514])
        var seeding = SplitMix64(seed: 1)
        XCTAssertEqual(
            SeededGenerator(seed: 1).state, [seeding.next(), seeding.next(), seeding.next(), seeding.next()])
    }

    func testSavedStateGoesOnWithTheSameDraws() {
        let g = SeededGenerator(seed: 7)
        _ = g.next()
        let resumed = SeededGenerator(state: g.state)!
        XCTAssertEqual((0..<5).map { _ in resumed.next() }, (0..<5).map { _ in g.next() })
        XCTAssertNil(SeededGenerator(state: [0, 0, 0, 0]))
    }
}
