import Foundation
import XCTest

@testable import Neural

/// The branch-free exp/log/tanh/sigmoid against libm over the ranges the engine uses.
final class FastMathTests: XCTestCase {
    func testAgainstLibm() {
        var worst = (exp: Float(0), log: Float(0), tanh: Float(0), sigmoid: Float(0), softplusTail: Float(0))
        var x: Float = -80
        while x < 80 {
            worst.exp = max(worst.exp, abs(FastMath.exp(x) - Foundation.exp(x)) / Foundation.exp(x))
            worst.tanh = max(worst.tanh, abs(FastMath.tanh(x) - Foundation.tanh(x)))
            worst.sigmoid = max(worst.sigmoid, abs(FastMath.sigmoid(x) - 1 / (1 + Foundation.exp(-x))))
            worst.softplusTail = max(
                worst.softplusTail, abs(FastMath.log1pExpNegAbs(x) - Foundation.log1p(Foundation.exp(-abs(x)))))
            x += 0.0137
        }
        var y: Float = 1e-30
        while y < 1e30 {
            worst.log = max(worst.log, abs(FastMath.log(y) - Foundation.log(y)) / max(1, abs(Foundation.log(y))))
            y *= 1.37
        }
        XCTAssertLessThan(worst.exp, 5e-7)
        XCTAssertLessThan(worst.log, 5e-7)
        XCTAssertLessThan(worst.tanh, 5e-7)
        XCTAssertLessThan(worst.sigmoid, 5e-7)
        XCTAssertLessThan(worst.softplusTail, 5e-7)
        // Small tanh keeps its relative precision.
        XCTAssertEqual(FastMath.tanh(1e-5), 1e-5, accuracy: 1e-11)
        XCTAssertTrue(FastMath.exp(.nan).isNaN)
    }
}
