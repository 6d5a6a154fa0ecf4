import Support
import XCTest

@testable import Neural

/// A training step asks each layer to write its gradients afresh instead of zeroing them first:
/// whatever the gradients held before, the step's gradients must be exactly those of a model
/// whose gradients started at zero.
final class GradientOverwriteTests: XCTestCase {
    private func assertStepIgnoresOldGradients(_ specs: [LayerSpec], inputShape: [Int]) throws {
        let clean = try Autoencoder(specs: specs, inputShape: inputShape, seed: 9)
        let dirty = try Autoencoder(specs: specs, inputShape: inputShape, seed: 9)
        for p in dirty.parameters { p.grad.data = p.grad.data.indices.map { Float($0 % 7) * 100 - 300 } }
        let rng = SeededGenerator(seed: 1)
        let count = 6 * inputShape.reduce(1, *)
        // Mostly zeros, as MNIST is, so that the sparse products are exercised as well.
        let x = Tensor(
            shape: [6] + inputShape, data: (0..<count).map { _ in rng.nextUniform() < 0.2 ? rng.nextUniform() : 0 })
        for model in [clean, dirty] {
            _ = try model.trainingStep(
                input: x, target: x, plan: model.trainingPlan(for: .mse),
                context: ForwardContext(training: true, rng: SeededGenerator(seed: 2)))
        }
        for (a, b) in zip(clean.parameters, dirty.parameters) {
            XCTAssertEqual(a.grad.data, b.grad.data, "\(a.name) \(a.value.shape)")
            XCTAssertFalse(b.overwritesGradient)
        }
    }

    func testDenseModel() throws {
        try assertStepIgnoresOldGradients(
            [
                .dense(units: 40, activation: .relu, dropout: nil),
                .latent(units: 4, activation: .linear, kind: .gaussian, sparsity: .none),
                .dense(units: 784, activation: .sigmoid, dropout: nil),
            ], inputShape: [28, 28, 1])
    }

    func testConvolutionalModel() throws {
        try assertStepIgnoresOldGradients(
            [
                .conv(filters: 4, kernel: 3, stride: 1, padding: .same, activation: .relu), .pool(kind: .max, size: 2),
                .flatten, .latent(units: 6, activation: .tanh, kind: .plain, sparsity: .none),
                .dense(units: 7 * 7 * 2, activation: .relu, dropout: nil), .reshape(shape: [7, 7, 2]),
                .upsample(factor: 2), .conv(filters: 3, kernel: 5, stride: 1, padding: .same, activation: .relu),
                .deconv(filters: 1, kernel: 3, stride: 1, padding: .same, activation: .sigmoid),
            ], inputShape: [14, 14, 1])
    }
}
