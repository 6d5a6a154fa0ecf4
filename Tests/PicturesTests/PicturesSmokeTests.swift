import XCTest
@testable import Pictures

final class PicturesSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
