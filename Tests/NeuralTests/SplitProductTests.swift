import Support
import Synchronization
import XCTest

@testable import Neural

/// The products the engine splits over the compute team (sgemm in bands, several products in
/// one job) equal a plain double-precision product.
final class SplitProductTests: XCTestCase {
    /// Shapes that split along rows, along columns, and not at all, with every transpose.
    func testSplitProductsEqualThePlainProduct() {
        let rng = SeededGenerator(seed: 3)
        for (m, n, k) in [(200, 250, 784), (40, 900, 30), (7, 5, 3), (333, 17, 129), (20, 2000, 64)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = (0..<(m * k)).map { _ in rng.nextNormal() }
                    let b = (0..<(k * n)).map { _ in rng.nextNormal() }
                    var c = (0..<(m * n)).map { _ in rng.nextNormal() }
                    let c0 = c
                    let lda = transposeA ? m : k, ldb = transposeB ? k : n
                    gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda,
                        b: b, ldb: ldb, beta: 1, c: &c, ldc: n)
                    var expected = [Float](repeating: 0, count: m * n)
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = 0.0
                            for p in 0..<k {
                                let ai = transposeA ? a[p * lda + i] : a[i * lda + p]
                                let bj = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                                sum += Double(ai) * Double(bj)
                            }
                            expected[i * n + j] = Float(0.5 * sum + Double(c0[i * n + j]))
                        }
                    }
                    assertClose(
                        c, expected, absolute: 1e-3, relative: 1e-4, "\(m)x\(n)x\(k) tA \(transposeA) tB \(transposeB)")
                }
            }
        }
    }

    /// Two products of a dense layer's backward (weight gradient, input gradient) and a third,
    /// small one, run together in one job beside an extra part: each equals its plain product,
    /// and the extra part runs once.
    func testProductsRunTogetherEqualThePlainProducts() {
        let rng = SeededGenerator(seed: 5)
        let shapes: [(tA: Bool, tB: Bool, m: Int, n: Int, k: Int)] = [
            (true, false, 320, 784, 200), (false, true, 200, 320, 784), (false, false, 7, 9, 5),
        ]
        // Buffers of their own (not arrays), so that all of them can be open at once.
        func buffer(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
            let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            for i in 0..<count { p[i] = rng.nextNormal() }
            return p
        }
        let operands = shapes.map { s in (a: buffer(s.m * s.k), b: buffer(s.k * s.n), c: buffer(s.m * s.n)) }
        defer { for o in operands { o.a.deallocate(); o.b.deallocate(); o.c.deallocate() } }
        let before = operands.map { Array($0.c) }
        let extraRuns = Atomic<Int>(0)
        let products = zip(shapes, operands).enumerated().map { index, pair in
            let (s, o) = pair
            return MatrixProduct(
                transposeA: s.tA, transposeB: s.tB, m: s.m, n: s.n, k: s.k, a: o.a.baseAddress!,
                lda: s.tA ? s.m : s.k, b: o.b.baseAddress!, ldb: s.tB ? s.k : s.n, beta: index == 1 ? 1 : 0,
                c: o.c.baseAddress!, ldc: s.n)
        }
        gemmTogether(products) { extraRuns.add(1, ordering: .relaxed) }
        XCTAssertEqual(extraRuns.load(ordering: .relaxed), 1)
        for (index, s) in shapes.enumerated() {
            let (a, b, c) = (operands[index].a, operands[index].b, Array(operands[index].c))
            let lda = s.tA ? s.m : s.k, ldb = s.tB ? s.k : s.n
            var expected = [Float](repeating: 0, count: s.m * s.n)
            for i in 0..<s.m {
                for j in 0..<s.n {
                    var sum = index == 1 ? Double(before[index][i * s.n + j]) : 0
                    for p in 0..<s.k {
                        let ai = s.tA ? a[p * lda + i] : a[i * lda + p]
                        let bj = s.tB ? b[j * ldb + p] : b[p * ldb + j]
                        sum += Double(ai) * Double(bj)
                    }
                    expected[i * s.n + j] = Float(sum)
                }
            }
            assertClose(c, expected, absolute: 1e-3, relative: 1e-4, "product \(index): \(s.m)x\(s.n)x\(s.k)")
        }
    }

    func testSplitCoversRowsOrColumnsInAlignedBands() {
        for (m, n, k) in [(200, 784, 320), (200, 784, 16), (40, 900, 100), (17, 3, 100), (1000, 16, 100)] {
            let split = GEMMSplit(m: m, n: n, k: k, threads: 2)
            let length = split.alongRows ? m : n
            let bands = (0..<split.parts).map(split.band)
            XCTAssertEqual(bands.first?.lowerBound, 0)
            XCTAssertEqual(bands.last?.upperBound, length)
            for (left, right) in zip(bands, bands.dropFirst()) {
                XCTAssertEqual(left.upperBound, right.lowerBound)
                XCTAssertEqual(left.upperBound % 16, 0)
            }
        }
    }
}
