import Support
import XCTest

@testable import Neural

/// Two fusions of the dense path: a layer's bias and activation are applied to each band of its
/// product inside the product's job, and the loss multiplies in the last layer's activation
/// derivative (the layer then skips that pass). Neither may change a single result.
final class OutputFusionTests: XCTestCase {
    /// y = f(x W + b) for products that split along columns (n > m, long k), along rows, and not
    /// at all, checked against double precision.
    func testDenseForwardAppliesBiasAndActivationToEveryBand() throws {
        let cases: [(batch: Int, inputs: Int, units: Int, activation: Activation)] = [
            (200, 320, 784, .sigmoid), (300, 784, 64, .relu), (4, 10, 3, .tanh), (64, 100, 300, .elu),
        ]
        for (batch, inputs, units, activation) in cases {
            let rng = SeededGenerator(seed: UInt64(batch + units))
            let layer = Dense(units: units, activation: activation)
            try layer.build(inputShape: [inputs], initializer: .glorotUniform, rng: rng)
            layer.bias.value.data = (0..<units).map { _ in rng.nextNormal() * 0.3 }
            // Dense inputs (no zeros), so the product goes through sgemm rather than the sparse path.
            let x = Tensor(shape: [batch, inputs], data: (0..<(batch * inputs)).map { _ in rng.nextNormal() })
            let y = try layer.forward(x, context: ForwardContext(training: true, rng: rng))
            let expected = denseReference(x.data, batch: batch, layer: layer) { reference(activation, $0) }
            assertClose(y.data, expected, absolute: 2e-5, relative: 2e-5, "\(batch)x\(inputs)->\(units) \(activation)")
        }
    }

    /// A training step whose loss takes over the last activation's derivative gives the same
    /// bits, in every gradient, as the loss and the layer's backward run apart.
    func testLossTakesOverTheLastActivationsDerivativeExactly() throws {
        let models: [([LayerSpec], LossKind)] = [
            (
                [
                    .dense(units: 24, activation: .relu, dropout: nil),
                    .latent(units: 5, activation: .tanh, kind: .plain, sparsity: .none),
                    .dense(units: 64, activation: .sigmoid, dropout: nil),
                ], .mse
            ),
            (
                [
                    .dense(units: 24, activation: .relu, dropout: nil),
                    .latent(units: 5, activation: .linear, kind: .plain, sparsity: .none),
                    .dense(units: 64, activation: .linear, dropout: nil), .activation(.tanh),
                ], .l1
            ),
            (
                [
                    .dense(units: 24, activation: .elu, dropout: nil),
                    .latent(units: 5, activation: .linear, kind: .gaussian, sparsity: .none),
                    .dense(units: 64, activation: .softplus, dropout: nil),
                ], .mse
            ),
        ]
        for (specs, loss) in models {
            let fused = try Autoencoder(specs: specs, inputShape: [64], seed: 3)
            let apart = try Autoencoder(specs: specs, inputShape: [64], seed: 3)
            let rng = SeededGenerator(seed: 4)
            let x = Tensor(shape: [9, 64], data: (0..<(9 * 64)).map { _ in rng.nextUniform() })

            let fusedLoss = try fused.trainingStep(
                input: x, target: x, plan: fused.trainingPlan(for: loss),
                context: ForwardContext(training: true, rng: SeededGenerator(seed: 5)))

            // The same step by hand: the loss's gradient with respect to y, then every layer's
            // own backward, the last one applying its derivative itself.
            func stepByHand(_ model: Autoencoder) throws -> Float {
                for p in model.parameters { p.overwritesGradient = true }
                let context = ForwardContext(training: true, rng: SeededGenerator(seed: 5))
                var y = x
                for layer in model.layers { y = try layer.forward(y, context: context) }
                let (value, gradient) = try Loss.valueAndGradient(
                    loss, output: y, target: x, reduction: model.lossReduction)
                var g = gradient
                for layer in model.layers.reversed() { g = try layer.backward(g) }
                for p in model.parameters { p.settleGradient() }
                return value + model.auxiliaryLoss
            }
            let value = try stepByHand(apart)

            XCTAssertEqual(fusedLoss, value, "\(specs.last!)")
            for (a, b) in zip(fused.parameters, apart.parameters) {
                XCTAssertEqual(a.grad.data, b.grad.data, "\(specs.last!) \(a.name) \(a.value.shape)")
            }
            // The plan is the step's alone: nothing of it stays on the layers, so the fused
            // model's plain paths afterwards give the plain step's gradients again.
            _ = try stepByHand(fused)
            for (a, b) in zip(fused.parameters, apart.parameters) {
                XCTAssertEqual(a.grad.data, b.grad.data, "plain after fused: \(specs.last!) \(a.name)")
            }
        }
    }

    private func reference(_ activation: Activation, _ z: Double) -> Double {
        switch activation {
        case .linear: z
        case .relu: max(z, 0)
        case .leakyRelu: z > 0 ? z : 0.2 * z
        case .sigmoid: 1 / (1 + Foundation.exp(-z))
        case .tanh: Foundation.tanh(z)
        case .elu: z > 0 ? z : Foundation.exp(z) - 1
        case .softplus: Foundation.log(1 + Foundation.exp(z))
        }
    }
}
