import CKernels
import XCTest

@testable import Neural

/// The element-wise loops run in C (CKernels/elementwise.c), built for AVX-512, AVX2 and plain
/// x86-64. They must give the very bits of their specification, the Swift formulas with
/// FastMath (checked against libm in FastMathTests), for ordinary values and for the edges:
/// zeros of both signs, values past the exponential's clamp, infinities and NaN.
final class ElementwiseKernelTests: XCTestCase {
    /// Inputs over the activations' range, and the edges. 1,003 values: not a multiple of a
    /// vector, so the loops' tails run too.
    private let inputs: [Float] = {
        var values = (0..<990).map { Float($0 - 495) * 0.037 }
        values += [0, -0.0, 1e-8, -1e-8, 0.124_999, 0.125, -0.125, 87.5, -88, 100, -100, .infinity, -.infinity]
        return values
    }()

    private func assertSameBits(
        _ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() where !(x.isNaN && y.isNaN) && x.bitPattern != y.bitPattern {
            XCTFail(
                "\(what): element \(i) (input \(inputs[i % inputs.count])) is \(x), expected \(y)", file: file,
                line: line)
            return
        }
    }

    func testActivationsMatchTheirSwiftDefinitions() {
        let swift: [Activation: (Float) -> Float] = [
            .linear: { $0 }, .relu: { Swift.max($0, 0) }, .leakyRelu: { $0 > 0 ? $0 : $0 * Activation.leakySlope },
            .sigmoid: FastMath.sigmoid, .tanh: FastMath.tanh, .elu: { $0 > 0 ? $0 : FastMath.exp($0) - 1 },
            .softplus: { Swift.max($0, 0) + FastMath.log1pExpNegAbs($0) },
        ]
        let bias: [Float] = [0.25, -0.5, 0, 3]
        for activation in Activation.allCases {
            let f = swift[activation]!
            // Without a bias, and with one (rows of 4 with a stride of 5: the fifth column is untouched).
            var plain = inputs + [.nan]
            plain.withUnsafeMutableBufferPointer { activation.apply($0) }
            assertSameBits(plain, (inputs + [.nan]).map(f), "\(activation)")
            let rows = inputs.count / 4
            func element(_ i: Int, _ g: (Float, Int) -> Float) -> Float {
                i % 5 == 4 ? -7 : g(inputs[(i / 5) * 4 + i % 5], i % 5)
            }
            var strided = (0..<(rows * 5)).map { element($0) { x, _ in x } }
            strided.withUnsafeMutableBufferPointer { s in
                bias.withUnsafeBufferPointer { b in
                    activation.applyBlock(
                        s.baseAddress!, stride: 5, rows: 0..<rows, columns: 0..<4, bias: b.baseAddress!)
                }
            }
            let expected = (0..<(rows * 5)).map { element($0) { x, column in f(x + bias[column]) } }
            assertSameBits(strided, expected, "\(activation) with bias")
        }
    }

    func testDerivativesMatchTheirSwiftDefinitions() {
        let swift: [Activation: (Float, Float) -> Float] = [
            .linear: { g, _ in g }, .relu: { g, y in y > 0 ? g : 0 },
            .leakyRelu: { g, y in y > 0 ? g : g * Activation.leakySlope }, .sigmoid: { g, y in g * y * (1 - y) },
            .tanh: { g, y in g * (1 - y * y) }, .elu: { g, y in y > 0 ? g : g * (y + 1) },
            .softplus: { g, y in g * (1 - FastMath.exp(-y)) },
        ]
        let gradient = inputs.indices.map { Float($0 % 17) * 0.3 - 2.4 }
        for activation in Activation.allCases {
            let f = swift[activation]!
            let expected = zip(gradient, inputs).map { f($0, $1) }
            // Into a separate array, and in place (the two loops the kernel keeps).
            var apart = [Float](repeating: 0, count: inputs.count)
            gradient.withUnsafeBufferPointer { g in
                inputs.withUnsafeBufferPointer { y in
                    apart.withUnsafeMutableBufferPointer { r in
                        activation.derivativeProductInBand(
                            g.baseAddress!, output: y.baseAddress!, into: r.baseAddress!, count: r.count)
                    }
                }
            }
            var inPlace = gradient
            inPlace.withUnsafeMutableBufferPointer { g in
                inputs.withUnsafeBufferPointer { y in
                    activation.multiplyDerivative(g.baseAddress!, output: y.baseAddress!, count: g.count)
                }
            }
            if activation != .linear { assertSameBits(apart, expected, "\(activation)' apart") }
            assertSameBits(inPlace, expected, "\(activation)' in place")
        }
    }

    func testLossRowsMatchTheirSwiftDefinitions() {
        let targets = inputs.indices.map { Float($0 % 11) / 10 }
        let probabilities = inputs.map { FastMath.sigmoid($0) }
        let scale: Float = 1 / 784
        let clamp = Loss.probabilityClamp
        let cases: [(LossKind, Bool, [Float], (Float, Float) -> (Float, Float))] = [
            (
                .mse, false, inputs,
                { y, t in
                    let d = y - t; return (d * d, 2 * d * scale)
                }
            ),
            (
                .l1, false, inputs,
                { y, t in
                    let d = y - t; return (abs(d), d > 0 ? scale : (d < 0 ? -scale : 0))
                }
            ),
            (
                .bce, true, inputs,
                { z, t in
                    let q = FastMath.exp(-abs(z))
                    let onePlus = 1 + q
                    return (max(z, 0) - z * t + FastMath.log(onePlus), ((z >= 0 ? 1 : q) / onePlus - t) * scale)
                }
            ),
            (
                .bce, false, probabilities,
                { y, t in
                    let p = min(max(y, clamp), 1 - clamp)
                    let inside = y > clamp && y < 1 - clamp
                    return (
                        -(t * FastMath.log(p) + (1 - t) * FastMath.log(1 - p)),
                        inside ? (p - t) / (p * (1 - p)) * scale : 0
                    )
                }
            ),
        ]
        for (kind, logits, outputs, f) in cases {
            let finite = outputs.indices.filter { outputs[$0].isFinite }
            let y = finite.map { outputs[$0] }, t = finite.map { targets[$0] }
            var e = [Float](repeating: 0, count: y.count), g = e
            e.withUnsafeMutableBufferPointer { ep in
                g.withUnsafeMutableBufferPointer { gp in
                    ck_loss_row(
                        kind.kernelCode(logits: logits), y, t, ep.baseAddress!, gp.baseAddress!, Int64(y.count), scale,
                        clamp)
                }
            }
            let expected = zip(y, t).map { f($0, $1) }
            let what = "\(kind)\(logits ? " on logits" : "")"
            for i in y.indices
            where e[i].bitPattern != expected[i].0.bitPattern || g[i].bitPattern != expected[i].1.bitPattern {
                XCTFail("\(what) at y \(y[i]), t \(t[i]): (\(e[i]), \(g[i])), expected \(expected[i])")
                break
            }
        }
    }

    func testOptimizerUpdatesMatchTheirSwiftDefinitions() {
        let count = 1003
        let p = (0..<count).map { Float($0 % 23) * 0.1 - 1.1 }
        let g = (0..<count).map { Float($0 % 13) * 0.07 - 0.4 }
        let first0 = (0..<count).map { Float($0 % 7) * 0.01 }, second0 = (0..<count).map { Float($0 % 5) * 0.001 }
        let (beta1, beta2, epsilon, stepSize, rootC2): (Float, Float, Float, Float, Float) = (
            0.9, 0.999, 1e-8, 3e-3, 0.2
        )
        var m = first0, v = second0, out = [Float](repeating: 0, count: count)
        ck_adam(p, &out, g, &m, &v, Int64(count), beta1, beta2, epsilon, stepSize, rootC2)
        for i in 0..<count {
            let mi = beta1 * first0[i] + (1 - beta1) * g[i]
            let vi = beta2 * second0[i] + (1 - beta2) * g[i] * g[i]
            let expected = p[i] - stepSize * mi / (vi.squareRoot() / rootC2 + epsilon)
            XCTAssertEqual(m[i].bitPattern, mi.bitPattern)
            XCTAssertEqual(v[i].bitPattern, vi.bitPattern)
            XCTAssertEqual(out[i].bitPattern, expected.bitPattern, "adam \(i)")
        }
        // In place (no copy of the previous weights kept): the same values.
        var inPlace = p
        m = first0
        v = second0
        inPlace.withUnsafeMutableBufferPointer { q in
            ck_adam(q.baseAddress!, q.baseAddress!, g, &m, &v, Int64(count), beta1, beta2, epsilon, stepSize, rootC2)
        }
        XCTAssertEqual(inPlace, out)

        var b = first0, sgd = [Float](repeating: 0, count: count)
        ck_sgd(p, &sgd, g, &b, Int64(count), 0.9, 0.01)
        for i in 0..<count { XCTAssertEqual(sgd[i].bitPattern, (p[i] - 0.01 * (0.9 * first0[i] + g[i])).bitPattern) }

        var r = second0, rms = [Float](repeating: 0, count: count)
        ck_rmsprop(p, &rms, g, &r, Int64(count), 0.9, 1e-7, 0.01)
        for i in 0..<count {
            let vi = 0.9 * second0[i] + (1 - 0.9) * g[i] * g[i]
            XCTAssertEqual(
                rms[i].bitPattern, (p[i] - 0.01 * g[i] / (vi.squareRoot() + 1e-7)).bitPattern, "rmsprop \(i)")
        }
    }

    func testFinitenessCheckAndColumnSums() {
        var values = [Float](repeating: 1, count: 1003)
        XCTAssertEqual(ck_all_finite(values, Int64(values.count)), 1)
        for bad in [Float.nan, .infinity, -.infinity] {
            values[1002] = bad
            XCTAssertEqual(ck_all_finite(values, Int64(values.count)), 0, "\(bad)")
            values[1002] = 1
        }
        XCTAssertEqual(ck_all_finite(values, 0), 1)

        // Column sums of a 7 x 37 matrix over columns 3..<30, added in row order, then added to.
        let (rows, width) = (7, 37)
        let m = (0..<(rows * width)).map { Float($0 % 19) * 0.1 + 0.01 }
        var sums = [Float](repeating: 5, count: width)
        ck_column_sums(m, Int64(rows), Int64(width), 3, 30, &sums, 0)
        for j in 0..<width {
            var expected: Float = 0
            for r in 0..<rows { expected += m[r * width + j] }
            XCTAssertEqual(sums[j].bitPattern, ((3..<30).contains(j) ? expected : 5).bitPattern, "column \(j)")
        }
        ck_column_sums(m, Int64(rows), Int64(width), 0, Int64(width), &sums, 1)
        XCTAssertEqual(sums[0], 5 + (0..<rows).reduce(Float(0)) { $0 + m[$1 * width] })
    }
}
