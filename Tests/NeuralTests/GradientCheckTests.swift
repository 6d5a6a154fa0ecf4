import Support
import XCTest

@testable import Neural

/// Every layer and loss of the engine core against finite differences.
final class GradientCheckTests: XCTestCase {
    func testDenseWithEveryActivation() throws {
        for activation in Activation.allCases {
            try GradientCheck().check(Dense(units: 5, activation: activation), inputShape: [7])
        }
    }

    func testDenseFlattensImages() throws {
        try GradientCheck().check(Dense(units: 4, activation: .tanh), inputShape: [3, 3, 2])
    }

    func testActivationLayers() throws {
        for activation in Activation.allCases {
            try GradientCheck().check(ActivationLayer(activation), inputShape: [4, 3])
        }
    }

    func testDropoutTrainingAndEvaluation() throws {
        try GradientCheck().check(Dropout(rate: 0.3), inputShape: [20], training: true)
        try GradientCheck().check(Dropout(rate: 0.3), inputShape: [20], training: false)
    }

    func testGaussianLatentSamplingAndMean() throws {
        try GradientCheck().check(GaussianLatent(units: 3), inputShape: [6], training: true)
        try GradientCheck().check(GaussianLatent(units: 3), inputShape: [6], training: false)
    }

    func testSparsityPenalties() throws {
        try GradientCheck().check(SparsityPenalty(.l1(weight: 0.3)), inputShape: [5])
        try GradientCheck().check(SparsityPenalty(.kl(rho: 0.1, weight: 0.5)), inputShape: [5], inputRange: 0.05...0.95)
    }

    func testLosses() throws {
        let rng = SeededGenerator(seed: 5)
        let shape = [3, 8]
        let target = Tensor(shape: shape, data: (0..<24).map { _ in rng.nextUniform() })
        let cases: [(LossKind, Bool, ClosedRange<Float>)] = [
            (.mse, false, -1...2), (.l1, false, -1...2), (.bce, true, -4...4), (.bce, false, 0.05...0.95),
        ]
        for (kind, logits, range) in cases {
            for reduction in [LossReduction.meanPerElement, .sumPerSample] {
                var y = Tensor(
                    shape: shape,
                    data: (0..<24).map { _ in
                        range.lowerBound + rng.nextUniform() * (range.upperBound - range.lowerBound)
                    })
                let (_, gradient) = try Loss.valueAndGradient(
                    kind, output: y, target: target, reduction: reduction, outputIsLogits: logits)
                let h: Float = 1e-3
                for i in 0..<y.count {
                    let original = y.data[i]
                    y.data[i] = original + h
                    let plus = try Loss.value(
                        kind, output: y, target: target, reduction: reduction, outputIsLogits: logits)
                    y.data[i] = original - h
                    let minus = try Loss.value(
                        kind, output: y, target: target, reduction: reduction, outputIsLogits: logits)
                    y.data[i] = original
                    let numeric = (plus - minus) / (2 * h)
                    XCTAssertEqual(
                        gradient.data[i], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric),
                        "\(kind) logits \(logits) \(reduction) [\(i)]")
                }
            }
        }
    }

    /// A whole small model: forward, loss and backward through every layer kind together.
    func testWholeModelGradient() throws {
        let specs: [LayerSpec] = [
            .dense(units: 6, activation: .elu, dropout: 0.25),
            .latent(units: 3, activation: .sigmoid, kind: .plain, sparsity: .kl(rho: 0.2, weight: 0.1)),
            .dense(units: 6, activation: .leakyRelu, dropout: nil),
            .dense(units: 8, activation: .sigmoid, dropout: nil),
        ]
        let model = try Autoencoder(specs: specs, inputShape: [8], seed: 2)
        (model.layers.first as? Dense)?.computesInputGradient = true
        let rng = SeededGenerator(seed: 3)
        let x = Tensor(shape: [4, 8], data: (0..<32).map { _ in rng.nextUniform() })
        let state = rng.state
        let plan = model.trainingPlan(for: .bce)
        func loss() throws -> Double {
            let context = ForwardContext(training: true, rng: SeededGenerator(state: state)!)
            return Double(try model.trainingStep(input: x, target: x, plan: plan, context: context))
        }
        _ = try loss()
        let analytic = model.parameters.map(\.grad)
        let h: Float = 3e-3
        for (p, grad) in zip(model.parameters, analytic) {
            for i in stride(from: 0, to: p.value.count, by: max(1, p.value.count / 7)) {
                let original = p.value.data[i]
                p.value.data[i] = original + h
                let plus = try loss()
                p.value.data[i] = original - h
                let minus = try loss()
                p.value.data[i] = original
                let numeric = Float((plus - minus) / Double(2 * h))
                XCTAssertEqual(grad.data[i], numeric, accuracy: 2e-3 + 2e-2 * abs(numeric), "\(p.name)[\(i)]")
            }
        }
    }
}
