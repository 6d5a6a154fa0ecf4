import Support
import XCTest

@testable import Neural

/// The plan a model works out for its training steps: which layer emits logits, which takes the
/// pre-activation gradient, which leaves out dead input-gradient columns. Nothing of it is set on
/// the layers, so evaluation between steps runs the plain paths.
final class TrainingPlanTests: XCTestCase {
    private let dense: [LayerSpec] = [
        .dense(units: 24, activation: .relu, dropout: nil),
        .latent(units: 5, activation: .tanh, kind: .plain, sparsity: .none),
        .dense(units: 32, activation: .relu, dropout: nil),
        .dense(units: 64, activation: .sigmoid, dropout: nil),
    ]

    func testDenseModel() throws {
        let model = try Autoencoder(specs: dense, inputShape: [64], seed: 1)
        // Dense layers right above a ReLU dense layer (the latent and the output) leave out dead
        // input-gradient columns, whatever the loss.
        let aboveReLU = LayerPlan(leavesOutDeadInputGradients: true)

        let mse = model.trainingPlan(for: .mse)
        XCTAssertEqual(
            mse.layers,
            [.plain, aboveReLU, .plain, LayerPlan(takesPreActivationGradient: true, leavesOutDeadInputGradients: true)])
        XCTAssertFalse(mse.lossTakesLogits)
        XCTAssertEqual(mse.lossAppliesDerivative, .sigmoid)

        let bce = model.trainingPlan(for: .bce)
        XCTAssertEqual(
            bce.layers.last,
            LayerPlan(emitsLogits: true, takesPreActivationGradient: true, leavesOutDeadInputGradients: true))
        XCTAssertEqual(Array(bce.layers.dropLast()), [.plain, aboveReLU, .plain])
        XCTAssertTrue(bce.lossTakesLogits)
        XCTAssertEqual(bce.lossAppliesDerivative, .linear)
    }

    /// A linear output needs nothing from the loss; dropout between two dense layers keeps the
    /// upper one's input gradient complete (the dropout layer, not a ReLU, is right below it).
    func testLinearOutputAndDropout() throws {
        let specs: [LayerSpec] = [
            .dense(units: 24, activation: .relu, dropout: 0.2),
            .latent(units: 5, activation: .linear, kind: .plain, sparsity: .none),
            .dense(units: 64, activation: .linear, dropout: nil),
        ]
        let model = try Autoencoder(specs: specs, inputShape: [64], seed: 1)
        for loss in LossKind.allCases {
            let plan = model.trainingPlan(for: loss)
            XCTAssertEqual(plan.layers, [LayerPlan](repeating: .plain, count: 4), "\(loss)")
            XCTAssertFalse(plan.lossTakesLogits)
            XCTAssertEqual(plan.lossAppliesDerivative, .linear)
        }
    }

    /// A convolution's sigmoid is an activation layer of its own at the end: it emits logits for bce.
    func testActivationLayerAtTheEnd() throws {
        let specs: [LayerSpec] = [
            .conv(filters: 2, kernel: 3, stride: 1, padding: .same, activation: .relu), .flatten,
            .latent(units: 4, activation: .linear, kind: .plain, sparsity: .none),
            .dense(units: 64, activation: .relu, dropout: nil), .reshape(shape: [8, 8, 1]),
            .conv(filters: 1, kernel: 3, stride: 1, padding: .same, activation: .sigmoid),
        ]
        let model = try Autoencoder(specs: specs, inputShape: [8, 8, 1], seed: 1)
        XCTAssertTrue(model.layers.last is ActivationLayer)
        let bce = model.trainingPlan(for: .bce)
        XCTAssertEqual(bce.layers.last, LayerPlan(emitsLogits: true, takesPreActivationGradient: true))
        XCTAssertTrue(bce.lossTakesLogits)
        let mse = model.trainingPlan(for: .mse)
        XCTAssertEqual(mse.layers.last, LayerPlan(takesPreActivationGradient: true))
        XCTAssertEqual(mse.lossAppliesDerivative, .sigmoid)
    }

    /// The hook between steps of a bce model reconstructs probabilities, the same ones the model
    /// gives once training is over (the last step's update comes before the last hook).
    func testHookSeesThePlainModel() throws {
        let model = try Autoencoder(specs: dense, inputShape: [64], seed: 2)
        let rng = SeededGenerator(seed: 3)
        let x = Tensor(shape: [40, 64], data: (0..<(40 * 64)).map { _ in rng.nextUniform() })
        var seen: [Float] = []
        try model.train(on: x, options: TrainingOptions(length: .steps(3), batchSize: 20, loss: .bce)) { _ in
            seen = (try? model.reconstruct(x).data) ?? []
            return true
        }
        XCTAssertTrue(seen.allSatisfy { $0 > 0 && $0 < 1 })
        XCTAssertEqual(seen, try model.reconstruct(x).data)
    }
}
