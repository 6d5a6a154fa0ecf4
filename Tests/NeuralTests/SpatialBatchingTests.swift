import Support
import XCTest

@testable import Neural

/// The convolutions split a batch into chunks run on two workers; the result must not depend
/// on how the batch is cut: a batch gives exactly what its samples give one at a time.
final class SpatialBatchingTests: XCTestCase {
    private func assertBatchEqualsSingles(_ layer: Layer, inputShape: [Int], batch: Int) throws {
        let rng = SeededGenerator(seed: 11)
        try layer.build(inputShape: inputShape, initializer: .glorotUniform, rng: rng)
        let x = randomTensor([batch] + inputShape, rng: rng)
        let y = try layer.forward(x, context: evaluationContext())
        let g = randomTensor(y.shape, rng: rng)
        let dx = try layer.backward(g)
        let batchGrads = layer.parameters.map(\.grad.data)
        for p in layer.parameters { p.grad = Tensor(zeros: p.value.shape) }
        let inSize = x.sampleSize, outSize = y.sampleSize
        var singleY = [Float](), singleDx = [Float]()
        for n in 0..<batch {
            let xn = Tensor(shape: [1] + inputShape, data: Array(x.data[(n * inSize)..<((n + 1) * inSize)]))
            singleY += try layer.forward(xn, context: evaluationContext()).data
            let gn = Tensor(shape: [1] + y.sampleShape, data: Array(g.data[(n * outSize)..<((n + 1) * outSize)]))
            singleDx += try layer.backward(gn).data
        }
        XCTAssertEqual(y.data, singleY, "\(layer.description): forward depends on batching")
        XCTAssertEqual(dx.data, singleDx, "\(layer.description): backward depends on batching")
        for (p, batchGrad) in zip(layer.parameters, batchGrads) {
            assertClose(p.grad.data, batchGrad, absolute: 1e-4, relative: 1e-5, "\(layer.description) \(p.name)")
        }
    }

    func testConvBatchOfManyChunks() throws {
        try assertBatchEqualsSingles(Conv2D(filters: 4, kernel: 6), inputShape: [28, 28, 8], batch: 9)
    }

    func testDeconvBatchOfManyChunks() throws {
        try assertBatchEqualsSingles(
            ConvTranspose2D(filters: 3, kernel: 5, stride: 2), inputShape: [14, 14, 6], batch: 7)
    }

    func testSameSeedSameGradientsBitForBit() throws {
        func run() throws -> [[Float]] {
            let conv = Conv2D(filters: 8, kernel: 5)
            let rng = SeededGenerator(seed: 5)
            try conv.build(inputShape: [14, 14, 4], initializer: .glorotUniform, rng: rng)
            let x = randomTensor([50, 14, 14, 4], rng: rng)
            let y = try conv.forward(x, context: evaluationContext())
            return [try conv.backward(y).data] + conv.parameters.map(\.grad.data)
        }
        XCTAssertEqual(try run(), try run())
    }

    /// A model's first layer skips its input gradient; its parameter gradients stay the same.
    func testSkippingTheInputGradientKeepsParameterGradients() throws {
        func run(skip: Bool, _ layer: Layer & InputGradientSkippingLayer) throws -> (Tensor, [[Float]]) {
            let rng = SeededGenerator(seed: 8)
            try layer.build(inputShape: [12, 12, 2], initializer: .glorotUniform, rng: rng)
            layer.computesInputGradient = !skip
            let y = try layer.forward(randomTensor([5, 12, 12, 2], rng: rng), context: evaluationContext())
            let dx = try layer.backward(randomTensor(y.shape, rng: rng))
            return (dx, layer.parameters.map(\.grad.data))
        }
        for make in [
            { Conv2D(filters: 3, kernel: 5) as Layer & InputGradientSkippingLayer },
            {
                ConvTranspose2D(filters: 3, kernel: 3, stride: 2)
            },
        ] {
            let (fullDx, fullGrads) = try run(skip: false, make())
            let (skippedDx, skippedGrads) = try run(skip: true, make())
            XCTAssertEqual(fullDx.shape, [5, 12, 12, 2])
            XCTAssertEqual(skippedDx.count, 0)
            XCTAssertEqual(skippedGrads, fullGrads)
        }
    }

    func testGlorotLimitsUseKerasFans() throws {
        let conv = Conv2D(filters: 8, kernel: 5)
        try conv.build(inputShape: [14, 14, 4], initializer: .glorotUniform, rng: SeededGenerator(seed: 2))
        let limit = (6 / Float(5 * 5 * 4 + 5 * 5 * 8)).squareRoot()
        let w = conv.weight.value.data
        XCTAssertEqual(conv.weight.value.shape, [5, 5, 4, 8])
        XCTAssertLessThanOrEqual(w.map(abs).max()!, limit)
        XCTAssertGreaterThan(w.map(abs).max()!, 0.9 * limit)
        XCTAssertEqual(conv.bias.value.data, [Float](repeating: 0, count: 8))
        let torchStyle = Conv2D(filters: 8, kernel: 5)
        try torchStyle.build(inputShape: [14, 14, 4], initializer: .pytorchDefault, rng: SeededGenerator(seed: 2))
        XCTAssertLessThanOrEqual(torchStyle.bias.value.data.map(abs).max()!, 1 / Float(100).squareRoot())
        XCTAssertGreaterThan(torchStyle.bias.value.data.map(abs).max()!, 0)
    }
}
