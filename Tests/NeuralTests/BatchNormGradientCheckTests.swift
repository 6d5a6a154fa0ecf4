import Support
import XCTest

@testable import Neural

/// The batchnorm layer's backward against central finite differences (GradientCheck.swift), for
/// dense features and image channels, with the batch's statistics (training: x moves μ and σ²
/// too) and with running estimates (evaluation), at γ and β away from 1 and 0.
final class BatchNormGradientCheckTests: XCTestCase {
    /// γ around 1, β around 0, and running estimates away from 0 and 1.
    private func randomise(_ layer: Layer, _ rng: SeededGenerator) {
        guard let norm = layer as? BatchNorm else { return XCTFail("not a batchnorm layer") }
        norm.gamma.value.data = norm.gamma.value.data.map { _ in 0.5 + rng.nextUniform() }
        norm.beta.value.data = norm.beta.value.data.map { _ in rng.nextUniform() - 0.5 }
        norm.runningMean.value.data = norm.runningMean.value.data.map { _ in rng.nextUniform() - 0.5 }
        norm.runningVariance.value.data = norm.runningVariance.value.data.map { _ in 0.5 + rng.nextUniform() }
    }

    func testDenseFeaturesInTraining() throws {
        try GradientCheck().check(BatchNorm(), inputShape: [5], batch: 4, training: true, prepare: randomise)
    }

    func testImageChannelsInTraining() throws {
        try GradientCheck().check(BatchNorm(), inputShape: [3, 4, 2], batch: 3, training: true, prepare: randomise)
    }

    func testOtherMomentumAndEpsilonInTraining() throws {
        try GradientCheck().check(
            BatchNorm(momentum: 0.5, epsilon: 1e-2), inputShape: [4], batch: 3, training: true, prepare: randomise)
    }

    func testRunningEstimatesInEvaluation() throws {
        try GradientCheck().check(BatchNorm(), inputShape: [3, 3, 3], batch: 2, training: false, prepare: randomise)
        try GradientCheck().check(BatchNorm(), inputShape: [6], batch: 3, training: false, prepare: randomise)
    }

    /// Training moves the running estimates toward the batch's statistics and nothing else;
    /// evaluation reads them and moves nothing.
    func testRunningEstimatesFollowTrainingOnly() throws {
        let layer = BatchNorm()
        try layer.build(inputShape: [2], initializer: .glorotUniform, rng: SeededGenerator(seed: 1))
        let x = Tensor(shape: [4, 2], data: [1, 10, 2, 20, 3, 30, 4, 40])
        _ = try layer.forward(x, context: ForwardContext(training: false, rng: SeededGenerator(seed: 2)))
        XCTAssertEqual(layer.runningMean.value.data, [0, 0])
        XCTAssertEqual(layer.runningVariance.value.data, [1, 1])
        let y = try layer.forward(x, context: ForwardContext(training: true, rng: SeededGenerator(seed: 2)))
        // Means 2.5 and 25; unbiased variances 5/3 and 500/3.
        XCTAssertEqual(layer.runningMean.value.data[0], 0.25, accuracy: 1e-6)
        XCTAssertEqual(layer.runningMean.value.data[1], 2.5, accuracy: 1e-5)
        XCTAssertEqual(layer.runningVariance.value.data[0], 0.9 + 0.1 * 5 / 3, accuracy: 1e-6)
        XCTAssertEqual(layer.runningVariance.value.data[1], 0.9 + 0.1 * 500 / 3, accuracy: 1e-4)
        // Each channel of the output has mean 0 and (biased) variance 1 - ε/(σ² + ε).
        for c in 0..<2 {
            let column = stride(from: c, to: 8, by: 2).map { y.data[$0] }
            XCTAssertEqual(column.reduce(0, +) / 4, 0, accuracy: 1e-6)
            XCTAssertEqual(column.map { $0 * $0 }.reduce(0, +) / 4, 1, accuracy: 1e-4)
        }
        // A single value per channel: normalised to β, the estimates left as they were.
        let before = layer.buffers.map(\.value)
        let one = try layer.forward(
            Tensor(shape: [1, 2], data: [7, 8]), context: ForwardContext(training: true, rng: SeededGenerator(seed: 3)))
        XCTAssertEqual(one.data, layer.beta.value.data)
        XCTAssertEqual(layer.buffers.map(\.value), before)
    }

    func testShapeMistakesAreNamed() throws {
        let layer = BatchNorm()
        try layer.build(inputShape: [4, 4, 3], initializer: .glorotUniform, rng: SeededGenerator(seed: 1))
        XCTAssertThrowsError(
            try layer.forward(
                Tensor(zeros: [2, 4, 4, 2]), context: ForwardContext(training: true, rng: SeededGenerator(seed: 1)))
        ) {
            XCTAssertEqual(
                ($0 as? ShapeError)?.message,
                "batchnorm was built for input samples of shape (4x4x3) but got a batch of shape (2x4x4x2)")
        }
        XCTAssertThrowsError(try BatchNorm().outputShape(for: [])) {
            XCTAssertEqual(($0 as? ShapeError)?.message, "batchnorm needs a non-empty input shape but got (scalar)")
        }
    }
}
