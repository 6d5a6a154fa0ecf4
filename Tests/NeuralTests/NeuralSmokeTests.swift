import XCTest
@testable import Neural

final class NeuralSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
