import Support
import XCTest

@testable import Neural

/// A dense layer fed mostly-zero inputs (MNIST pixels) multiplies through SparseInput; its
/// output and gradients must equal the plain products computed in double precision.
final class SparseInputTests: XCTestCase {
    /// (batch, inputs) with about `density` of its values non-zero, in (0, 1] like pixels.
    private func sparseBatch(_ batch: Int, _ inputs: Int, density: Float, rng: SeededGenerator) -> Tensor {
        Tensor(
            shape: [batch, inputs],
            data: (0..<(batch * inputs)).map { _ in rng.nextUniform() < density ? rng.nextUniform() + 0.01 : 0 })
    }

    func testSparseFormHoldsEveryNonZeroByRowAndByColumn() throws {
        let x = sparseBatch(9, 100, density: 0.2, rng: SeededGenerator(seed: 1))
        let sparse = try XCTUnwrap(SparseInput(x))
        XCTAssertEqual(sparse.nonZeros, x.data.filter { $0 != 0 }.count)
        var byRows = [Float](repeating: 0, count: x.count), byColumns = byRows
        for r in 0..<9 {
            for p in Int(sparse.rowStart[r])..<Int(sparse.rowStart[r + 1]) {
                byRows[r * 100 + Int(sparse.rowColumn[p])] = sparse.rowValue[p]
            }
        }
        for c in 0..<100 {
            let run = Int(sparse.columnStart[c])..<Int(sparse.columnStart[c + 1])
            XCTAssertEqual(run.map { sparse.columnRow[$0] }, run.map { sparse.columnRow[$0] }.sorted())
            for p in run { byColumns[Int(sparse.columnRow[p]) * 100 + c] = sparse.columnValue[p] }
        }
        XCTAssertEqual(byRows, x.data)
        XCTAssertEqual(byColumns, x.data)
    }

    func testDenseInputsAndSmallLayersStayDense() {
        let rng = SeededGenerator(seed: 2)
        XCTAssertNil(SparseInput(sparseBatch(10, 200, density: 0.6, rng: rng)))
        XCTAssertNil(SparseInput(sparseBatch(10, 20, density: 0.1, rng: rng)))
        XCTAssertNotNil(SparseInput(Tensor(zeros: [3, 784])))
    }

    func testDenseLayerOnSparseInputMatchesThePlainProducts() throws {
        // Widths that reach each branch of the gather kernel: full blocks of 128 columns, a last
        // block of whole vectors, one ending on an overlapping vector, one narrower than a
        // vector (135 = 128 + 7), and layers narrower than one vector.
        let cases: [(Int, Int, Float)] = [
            (200, 250, 0.19), (13, 37, 0.05), (4, 512, 0), (64, 16, 0.25), (30, 128, 0.2), (30, 135, 0.2),
            (30, 48, 0.1), (30, 300, 0.15), (20, 8, 0.2),
        ]
        for (batch, units, density) in cases {
            let rng = SeededGenerator(seed: 7)
            let inputs = 784
            let layer = Dense(units: units, activation: .relu)
            try layer.build(inputShape: [inputs], initializer: .glorotUniform, rng: rng)
            layer.bias.value.data = (0..<units).map { _ in rng.nextNormal() * 0.1 }
            let x = sparseBatch(batch, inputs, density: density, rng: rng)
            XCTAssertNotNil(SparseInput(x), "density \(density) should take the sparse path")
            let y = try layer.forward(x, context: evaluationContext())
            let dy = randomTensor(y.shape, rng: rng)
            let dx = try layer.backward(dy)

            let w = layer.weight.value.data
            let expectedY = denseReference(x.data, batch: batch, layer: layer) { max($0, 0) }
            assertClose(y.data, expectedY, absolute: 1e-5, relative: 1e-5, "forward \(batch)x\(units)")

            let dz = zip(dy.data, y.data).map { $1 > 0 ? $0 : 0 }
            var expectedDW = [Float](repeating: 0, count: inputs * units)
            for i in 0..<inputs {
                for j in 0..<units {
                    var sum = 0.0
                    for r in 0..<batch { sum += Double(x.data[r * inputs + i]) * Double(dz[r * units + j]) }
                    expectedDW[i * units + j] = Float(sum)
                }
            }
            assertClose(layer.weight.grad.data, expectedDW, absolute: 1e-5, relative: 1e-5, "dW \(batch)x\(units)")
            var expectedDX = [Float](repeating: 0, count: batch * inputs)
            for r in 0..<batch {
                for i in 0..<inputs {
                    var sum = 0.0
                    for j in 0..<units { sum += Double(dz[r * units + j]) * Double(w[i * units + j]) }
                    expectedDX[r * inputs + i] = Float(sum)
                }
            }
            assertClose(dx.data, expectedDX, absolute: 1e-5, relative: 1e-5, "dx \(batch)x\(units)")
        }
    }

    /// The weight gradient adds to what is there (gradients accumulate until the optimizer step).
    func testSparseWeightGradientAccumulates() throws {
        let rng = SeededGenerator(seed: 9)
        let layer = Dense(units: 30)
        try layer.build(inputShape: [28, 28, 1], initializer: .glorotUniform, rng: rng)
        let x = Tensor(shape: [5, 28, 28, 1], data: sparseBatch(5, 784, density: 0.2, rng: rng).data)
        let dy = randomTensor([5, 30], rng: rng)
        _ = try layer.forward(x, context: evaluationContext())
        _ = try layer.backward(dy)
        let once = layer.weight.grad.data
        _ = try layer.forward(x, context: evaluationContext())
        _ = try layer.backward(dy)
        assertClose(layer.weight.grad.data, once.map { 2 * $0 }, absolute: 1e-6, relative: 1e-6, "twice")
    }
}
