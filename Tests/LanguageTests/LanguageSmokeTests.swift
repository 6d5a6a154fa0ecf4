import XCTest
@testable import Language

final class LanguageSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
