import Foundation
import Support
import XCTest

@testable import Neural

/// One case of Tests/NeuralTests/Reference/batchnorm.json (scripts/reference/batchnorm_reference.py).
private struct BatchNormCase: Decodable {
    let name: String
    let momentum: Float
    let eps: Float
    let input_shape: [Int]
    let input: [Float]
    let gamma: [Float]
    let beta: [Float]
    let running_mean: [Float]
    let running_var: [Float]
    let upstream: [Float]
    let output: [Float]
    let input_grad: [Float]
    let gamma_grad: [Float]
    let beta_grad: [Float]
    let running_mean_after: [Float]
    let running_var_after: [Float]
    let eval_input: [Float]
    let eval_upstream: [Float]
    let eval_output: [Float]
    let eval_input_grad: [Float]
}

private struct BatchNormFile: Decodable {
    let cases: [BatchNormCase]
}

/// The batchnorm layer against PyTorch's BatchNorm1d (dense features) and BatchNorm2d (image
/// channels, NHWC here, NCHW there): a training step's output, its gradients of the input, γ and
/// β, the running statistics after it, and the output and input gradient in evaluation mode.
/// The reference runs in float64 on float32 inputs; Latent computes in float32 with its
/// statistics and gradient sums in Double, so the values agree to float32 rounding:
/// tolerance 1.5e-6 absolute + 1e-6 relative (the absolute part for the two-sample case, whose
/// input gradient is a near-cancellation of terms of size 1).
final class BatchNormReferenceTests: XCTestCase {
    private let absolute: Float = 1.5e-6, relative: Float = 1e-6

    private func cases() throws -> [BatchNormCase] {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: "batchnorm", withExtension: "json", subdirectory: "Reference"),
            "missing Reference/batchnorm.json; run scripts/reference/batchnorm_reference.py")
        return try JSONDecoder().decode(BatchNormFile.self, from: Data(contentsOf: url)).cases
    }

    func testBatchNormMatchesPyTorch() throws {
        let all = try cases()
        XCTAssertEqual(all.count, 5)
        for c in all {
            let layer = BatchNorm(momentum: c.momentum, epsilon: c.eps)
            let sample = Array(c.input_shape.dropFirst())
            try layer.build(inputShape: sample, initializer: .glorotUniform, rng: SeededGenerator(seed: 1))
            XCTAssertEqual(layer.parameters.map(\.value.shape), [[sample.last!], [sample.last!]])
            XCTAssertEqual(layer.buffers.map(\.name), ["running_mean", "running_var"])
            layer.gamma.value.data = c.gamma
            layer.beta.value.data = c.beta
            layer.runningMean.value.data = c.running_mean
            layer.runningVariance.value.data = c.running_var

            let training = ForwardContext(training: true, rng: SeededGenerator(seed: 2))
            let y = try layer.forward(Tensor(shape: c.input_shape, data: c.input), context: training)
            XCTAssertEqual(y.shape, c.input_shape)
            close(y.data, c.output, "\(c.name): training output")
            let dx = try layer.backward(Tensor(shape: c.input_shape, data: c.upstream))
            close(dx.data, c.input_grad, "\(c.name): input gradient")
            close(layer.gamma.grad.data, c.gamma_grad, "\(c.name): γ gradient")
            close(layer.beta.grad.data, c.beta_grad, "\(c.name): β gradient")
            close(layer.runningMean.value.data, c.running_mean_after, "\(c.name): running mean")
            close(layer.runningVariance.value.data, c.running_var_after, "\(c.name): running variance")

            let evaluation = ForwardContext(training: false, rng: SeededGenerator(seed: 3))
            let y2 = try layer.forward(Tensor(shape: c.input_shape, data: c.eval_input), context: evaluation)
            close(y2.data, c.eval_output, "\(c.name): evaluation output")
            let dx2 = try layer.backward(Tensor(shape: c.input_shape, data: c.eval_upstream))
            close(dx2.data, c.eval_input_grad, "\(c.name): evaluation input gradient")
            // Evaluation leaves the running statistics alone.
            close(layer.runningMean.value.data, c.running_mean_after, "\(c.name): running mean after evaluation")
        }
    }

    private func close(_ actual: [Float], _ expected: [Float], _ what: String, line: UInt = #line) {
        assertClose(actual, expected, absolute: absolute, relative: relative, what, line: line)
    }
}
