import XCTest
@testable import JupyterKernel

final class JupyterKernelSmokeTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertTrue(true)
    }
}
