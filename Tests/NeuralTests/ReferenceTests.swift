import Foundation
import Support
import XCTest

@testable import Neural

/// The engine against PyTorch (scripts/reference/engine_reference.py, computed in float64):
/// forward outputs, gradients and optimizer steps, at float32 tolerances stated per test.
final class ReferenceTests: XCTestCase {
    struct DenseCase: Decodable {
        var activation: String
        var x, weight, bias, r, y, dx, dweight, dbias: [Float]
    }
    struct ActivationCase: Decodable {
        var activation: String
        var x, r, y, dx: [Float]
    }
    struct GaussianCase: Decodable {
        var sampled: Bool
        var x, meanWeight, meanBias, logVarianceWeight, logVarianceBias, noise, r, z, dx: [Float]
        var dMeanWeight, dMeanBias, dLogVarianceWeight, dLogVarianceBias: [Float]
        var kl: Float
    }
    struct SparsityCase: Decodable {
        var kind: String
        var weight, rho, penalty: Float
        var a, r, dx: [Float]
    }
    struct LossCase: Decodable {
        var kind, reduction: String
        var y, target, dy: [Float]
        var loss: Float
    }
    struct OptimizerCase: Decodable {
        struct Step: Decodable { var weight, bias: [Float] }
        var optimizer: String
        var learningRate: Float
        var x, target, weight, bias: [Float]
        var steps: [Step]
    }
    struct Reference: Decodable {
        var dense: [DenseCase]
        var activation: [ActivationCase]
        var gaussian: [GaussianCase]
        var sparsity: [SparsityCase]
        var loss: [LossCase]
        var optimizer: [OptimizerCase]
    }

    static let reference: Reference = {
        let url = Bundle.module.url(forResource: "engine_reference", withExtension: "json", subdirectory: "Reference")!
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    let evaluation = ForwardContext(training: false, rng: SeededGenerator(seed: 1))

    func assertClose(
        _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ what: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(actual.count, expected.count, "\(what): count", file: file, line: line)
        for (i, (a, e)) in zip(actual, expected).enumerated() where abs(a - e) > tolerance * max(1, abs(e)) {
            XCTFail("\(what)[\(i)]: \(a), PyTorch \(e)", file: file, line: line)
            return
        }
    }

    /// Weights and inputs set exactly as the reference drew them.
    func dense(_ c: DenseCase, inputs: Int, units: Int) throws -> Dense {
        let layer = Dense(units: units, activation: Activation(rawValue: c.activation)!)
        try layer.build(inputShape: [inputs], initializer: .glorotUniform, rng: SeededGenerator(seed: 1))
        layer.weight.value.data = c.weight
        layer.bias.value.data = c.bias
        return layer
    }

    func testDenseForwardAndGradients() throws {
        XCTAssertEqual(Self.reference.dense.count, Activation.allCases.count)
        for c in Self.reference.dense {
            let layer = try dense(c, inputs: 5, units: 4)
            let y = try layer.forward(Tensor(shape: [3, 5], data: c.x), context: evaluation)
            assertClose(y.data, c.y, "dense \(c.activation) y")
            let dx = try layer.backward(Tensor(shape: [3, 4], data: c.r))
            assertClose(dx.data, c.dx, "dense \(c.activation) dx")
            assertClose(layer.weight.grad.data, c.dweight, "dense \(c.activation) dW")
            assertClose(layer.bias.grad.data, c.dbias, "dense \(c.activation) db")
        }
    }

    func testActivationLayers() throws {
        for c in Self.reference.activation {
            let layer = ActivationLayer(Activation(rawValue: c.activation)!)
            let y = try layer.forward(Tensor(shape: [2, 6], data: c.x), context: evaluation)
            assertClose(y.data, c.y, "\(c.activation) y")
            assertClose(try layer.backward(Tensor(shape: [2, 6], data: c.r)).data, c.dx, "\(c.activation) dx")
        }
    }

    func testGaussianLatent() throws {
        for c in Self.reference.gaussian {
            let layer = GaussianLatent(units: 2)
            try layer.build(inputShape: [5], initializer: .glorotUniform, rng: SeededGenerator(seed: 1))
            layer.meanWeight.value.data = c.meanWeight
            layer.meanBias.value.data = c.meanBias
            layer.logVarianceWeight.value.data = c.logVarianceWeight
            layer.logVarianceBias.value.data = c.logVarianceBias
            layer.fixedNoise = Tensor(shape: [3, 2], data: c.noise)
            let context = ForwardContext(training: c.sampled, rng: SeededGenerator(seed: 1))
            let z = try layer.forward(Tensor(shape: [3, 5], data: c.x), context: context)
            let what = c.sampled ? "sampled" : "mean"
            assertClose(z.data, c.z, "gaussian \(what) z")
            XCTAssertEqual(layer.auxiliaryLoss, c.kl, accuracy: 1e-5 * max(1, abs(c.kl)))
            assertClose(try layer.backward(Tensor(shape: [3, 2], data: c.r)).data, c.dx, "gaussian \(what) dx")
            assertClose(layer.meanWeight.grad.data, c.dMeanWeight, "gaussian \(what) dWμ")
            assertClose(layer.meanBias.grad.data, c.dMeanBias, "gaussian \(what) dbμ")
            assertClose(layer.logVarianceWeight.grad.data, c.dLogVarianceWeight, "gaussian \(what) dWv")
            assertClose(layer.logVarianceBias.grad.data, c.dLogVarianceBias, "gaussian \(what) dbv")
        }
    }

    func testSparsityPenalties() throws {
        for c in Self.reference.sparsity {
            let sparsity: Sparsity = c.kind == "l1" ? .l1(weight: c.weight) : .kl(rho: c.rho, weight: c.weight)
            let layer = SparsityPenalty(sparsity)
            _ = try layer.forward(Tensor(shape: [4, 3], data: c.a), context: evaluation)
            XCTAssertEqual(layer.auxiliaryLoss, c.penalty, accuracy: 1e-5 * max(1, abs(c.penalty)), c.kind)
            assertClose(try layer.backward(Tensor(shape: [4, 3], data: c.r)).data, c.dx, "sparsity \(c.kind) dx")
        }
    }

    func testLosses() throws {
        XCTAssertEqual(Self.reference.loss.count, 8)
        for c in Self.reference.loss {
            let kind: LossKind = c.kind == "mse" ? .mse : (c.kind == "l1" ? .l1 : .bce)
            let reduction: LossReduction = c.reduction == "meanPerElement" ? .meanPerElement : .sumPerSample
            let (loss, gradient) = try Loss.valueAndGradient(
                kind, output: Tensor(shape: [3, 8], data: c.y), target: Tensor(shape: [3, 8], data: c.target),
                reduction: reduction, outputIsLogits: c.kind == "bce_logits")
            // FastMath's exp/log: relative error below 5e-7 per element.
            XCTAssertEqual(loss, c.loss, accuracy: 2e-6 * max(1, abs(c.loss)), "\(c.kind) \(c.reduction)")
            assertClose(gradient.data, c.dy, tolerance: 2e-5, "\(c.kind) \(c.reduction) dy")
        }
    }

    func testOptimizerSteps() throws {
        for c in Self.reference.optimizer {
            let layer = Dense(units: 4, activation: .sigmoid)
            try layer.build(inputShape: [5], initializer: .glorotUniform, rng: SeededGenerator(seed: 1))
            layer.weight.value.data = c.weight
            layer.bias.value.data = c.bias
            let kind: OptimizerKind =
                switch c.optimizer {
                case "adam": .adam()
                case "sgd": .sgd(momentum: 0.9)
                default: .rmsprop(rho: 0.9, epsilon: 1e-7)
                }
            var state = OptimizerState(kind: kind, parameters: layer.parameters)
            var noBackup: [[Float]] = []
            for (n, expected) in c.steps.enumerated() {
                for p in layer.parameters { p.grad = Tensor(zeros: p.value.shape) }
                let y = try layer.forward(Tensor(shape: [6, 5], data: c.x), context: evaluation)
                let (_, dy) = try Loss.valueAndGradient(
                    .mse, output: y, target: Tensor(shape: [6, 4], data: c.target), reduction: .meanPerElement)
                _ = try layer.backward(dy)
                state.update(layer.parameters, learningRate: c.learningRate, previous: &noBackup)
                assertClose(
                    layer.weight.value.data, c.weight.isEmpty ? [] : expected.weight, "\(c.optimizer) step \(n + 1) W")
                assertClose(layer.bias.value.data, expected.bias, "\(c.optimizer) step \(n + 1) b")
            }
        }
    }
}
