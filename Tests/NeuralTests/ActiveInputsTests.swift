import Support
import XCTest

@testable import Neural

/// Dense layers leave out the input columns that are zero for the whole batch (ReLU units no
/// sample turned on). Outputs and gradients must be those of the plain products.
final class ActiveInputsTests: XCTestCase {
    /// (batch, inputs) ReLU-like values with the columns in `dead` zero throughout.
    private func input(_ batch: Int, _ inputs: Int, dead: Set<Int>, rng: SeededGenerator) -> Tensor {
        Tensor(
            shape: [batch, inputs],
            data: (0..<(batch * inputs)).map { i in
                dead.contains(i % inputs) ? 0 : max(0, rng.nextNormal())
            })
    }

    func testFindsTheColumnsThatAreNotAllZero() throws {
        let dead: Set<Int> = [0, 5, 6, 7, 63, 99]
        let x = input(200, 100, dead: dead, rng: SeededGenerator(seed: 1))
        // W (100 x 3): row c holds 10 c, 10 c + 1, 10 c + 2.
        let w = (0..<300).map { Float(($0 / 3) * 10 + $0 % 3) }
        let active = try XCTUnwrap(ActiveInputs(x, weights: w, units: 3, minimumDeadShare: 0.05))
        XCTAssertEqual(active.columns.map(Int.init), (0..<100).filter { !dead.contains($0) })
        XCTAssertEqual(active.deadColumns, dead.sorted())
        XCTAssertEqual(active.x.shape, [200, 94])
        for r in [0, 17, 199] {
            for (i, c) in active.columns.enumerated() {
                XCTAssertEqual(active.x.data[r * 94 + i], x.data[r * 100 + Int(c)])
            }
        }
        // W's rows for the live columns, in their order.
        XCTAssertEqual(active.weights, active.columns.flatMap { c in (0..<3).map { Float(Int(c) * 10 + $0) } })
        // Too few dead columns to pay, or too small an input: no compact form.
        XCTAssertNil(ActiveInputs(x, weights: w, units: 3, minimumDeadShare: 0.1))
        XCTAssertNil(
            ActiveInputs(
                input(4, 100, dead: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], rng: SeededGenerator(seed: 2)), weights: w,
                units: 3))
    }

    /// Forward, dW, db and dx of a layer with a quarter of its inputs dead, against the same
    /// layer with the leaving-out turned off; with the layer below a ReLU, dx's dead columns
    /// are zero and the others unchanged.
    func testDenseLayerMatchesThePlainProducts() throws {
        let (batch, inputs, units) = (200, 320, 784)
        let dead = Set((0..<inputs).filter { $0 % 4 == 1 })
        let x = input(batch, inputs, dead: dead, rng: SeededGenerator(seed: 3))
        XCTAssertNotNil(ActiveInputs(x, weights: [Float](repeating: 0, count: inputs * units), units: units))
        let dy = Tensor(shape: [batch, units], data: (0..<(batch * units)).map { Float(($0 * 7) % 13) * 0.01 - 0.06 })
        func run(leavingOut: Bool, belowIsReLU: Bool) throws -> [[Float]] {
            Dense.leavesOutDeadInputs = leavingOut
            defer { Dense.leavesOutDeadInputs = true }
            let layer = Dense(units: units, activation: .sigmoid)
            try layer.build(inputShape: [inputs], initializer: .glorotUniform, rng: SeededGenerator(seed: 4))
            layer.bias.value.data = (0..<units).map { Float($0 % 5) * 0.1 }
            // Stale gradients from an earlier step: every row must be written afresh.
            for p in layer.parameters {
                p.grad.data = p.grad.data.indices.map { Float($0 % 7) - 3 }
                p.overwritesGradient = true
            }
            let y = try layer.forward(x, context: evaluationContext())
            let dx = try layer.backward(dy, plan: LayerPlan(leavesOutDeadInputGradients: belowIsReLU))
            for p in layer.parameters { p.settleGradient() }
            return [y.data, layer.weight.grad.data, layer.bias.grad.data, dx.data]
        }
        let plain = try run(leavingOut: false, belowIsReLU: false)
        for belowIsReLU in [false, true] {
            let compact = try run(leavingOut: true, belowIsReLU: belowIsReLU)
            for (name, (a, b)) in zip(["y", "dW", "db"], zip(compact, plain)) {
                assertClose(a, b, absolute: 1e-6, relative: 1e-5, "\(name), below ReLU \(belowIsReLU)")
            }
            // dW's dead rows are exactly zero.
            for row in dead { XCTAssertTrue(compact[1][(row * units)..<((row + 1) * units)].allSatisfy { $0 == 0 }) }
            let dx = compact[3]
            if belowIsReLU {
                for i in dx.indices where dead.contains(i % inputs) { XCTAssertEqual(dx[i], 0) }
                let kept = dx.indices.filter { !dead.contains($0 % inputs) }
                assertClose(kept.map { dx[$0] }, kept.map { plain[3][$0] }, absolute: 1e-6, relative: 1e-5, "dx kept")
            } else {
                assertClose(dx, plain[3], absolute: 1e-6, relative: 1e-5, "dx")
            }
        }
    }

    /// A whole training step of a model with dying ReLUs: every gradient as with the plain
    /// products.
    func testTrainingStepMatchesThePlainProducts() throws {
        let specs: [LayerSpec] = [
            .dense(units: 200, activation: .relu, dropout: nil),
            .latent(units: 8, activation: .tanh, kind: .plain, sparsity: .none),
            .dense(units: 256, activation: .relu, dropout: nil),
            .dense(units: 300, activation: .relu, dropout: nil),
            .dense(units: 144, activation: .sigmoid, dropout: nil),
        ]
        func gradients(leavingOut: Bool) throws -> [[Float]] {
            Dense.leavesOutDeadInputs = leavingOut
            defer { Dense.leavesOutDeadInputs = true }
            let model = try Autoencoder(specs: specs, inputShape: [144], seed: 5)
            // Kill a third of the 256-unit layer's units: a large negative bias keeps them off.
            if let third = model.layers[2] as? Dense {
                third.bias.value.data = (0..<256).map { $0 % 3 == 0 ? -100 : 0.1 }
            }
            for p in model.parameters { p.grad.data = p.grad.data.indices.map { Float($0 % 7) - 3 } }
            let rng = SeededGenerator(seed: 6)
            let x = Tensor(shape: [128, 144], data: (0..<(128 * 144)).map { _ in rng.nextUniform() })
            _ = try model.trainingStep(
                input: x, target: x, plan: model.trainingPlan(for: .mse),
                context: ForwardContext(training: true, rng: SeededGenerator(seed: 7)))
            return model.parameters.map(\.grad.data)
        }
        let plain = try gradients(leavingOut: false), compact = try gradients(leavingOut: true)
        for (index, (a, b)) in zip(compact, plain).enumerated() {
            assertClose(a, b, absolute: 1e-7, relative: 1e-5, "parameter \(index)")
        }
    }
}
