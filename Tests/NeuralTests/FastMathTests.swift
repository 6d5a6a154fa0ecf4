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
        var t: Float = 0
        var worstSine: Float = 0
        while t < 1 {
            worstSine = max(worstSine, abs(FastMath.sinTurn(t) - Foundation.sin(2 * Float.pi * t)))
            t += 0.000_37
        }
        XCTAssertLessThan(worstSine, 1e-6)
    }

    /// Input noise: the right moments, clipped to [0, 1], and the asked-for masked fraction.
    func testInputNoiseStatistics() throws {
        let model = try Autoencoder(
            specs: [.latent(units: 2, activation: .linear, kind: .plain, sparsity: .none)], inputShape: [2], seed: 1)
        let clean = Tensor(shape: [50_000, 2], repeating: 0.5)
        let noisy = model.corrupt(clean, with: .gaussian(0.1)).data
        let mean = noisy.reduce(0, +) / Float(noisy.count)
        let deviation = (noisy.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(noisy.count)).squareRoot()
        XCTAssertEqual(mean, 0.5, accuracy: 0.002)
        XCTAssertEqual(deviation, 0.1, accuracy: 0.002)
        let beyondTwoSigma = noisy.filter { abs($0 - 0.5) > 0.2 }.count
        XCTAssertEqual(Float(beyondTwoSigma) / Float(noisy.count), 0.0455, accuracy: 0.004)
        let wide = model.corrupt(clean, with: .gaussian(2)).data
        XCTAssertTrue(wide.allSatisfy { $0 >= 0 && $0 <= 1 })
        let masked = model.corrupt(clean, with: .mask(0.3)).data
        XCTAssertEqual(Float(masked.filter { $0 == 0 }.count) / Float(masked.count), 0.3, accuracy: 0.01)
        XCTAssertNotEqual(model.corrupt(clean, with: .mask(0.3)).data, masked)
    }
}
