import Support
import XCTest

@testable import Neural

/// Forward outputs and gradients against PyTorch (scripts/reference/conv_reference.py), with
/// Keras's layouts and "same" padding. Tolerance: 1e-4 absolute + 1e-4 relative, float32
/// sums of at most a few hundred terms of size ~1 (PyTorch's own summation order differs).
final class SpatialReferenceTests: XCTestCase {
    private let absolute: Float = 1e-4, relative: Float = 1e-4

    private func check(_ layer: Layer, _ c: SpatialReferenceCase) throws {
        try layer.build(
            inputShape: Array(c.input_shape.dropFirst()), initializer: .glorotUniform, rng: SeededGenerator(seed: 1))
        let params = layer.parameters
        if let weight = c.weight, let bias = c.bias {
            XCTAssertEqual(params.count, 2)
            XCTAssertEqual(params[0].value.shape, c.weight_shape, "\(c.name): kernel layout")
            params[0].value = Tensor(shape: params[0].value.shape, data: weight)
            params[1].value = Tensor(shape: [bias.count], data: bias)
        }
        XCTAssertEqual(try layer.outputShape(for: Array(c.input_shape.dropFirst())), Array(c.output_shape.dropFirst()))
        let y = try layer.forward(Tensor(shape: c.input_shape, data: c.input), context: evaluationContext())
        XCTAssertEqual(y.shape, c.output_shape, c.name)
        assertClose(y.data, c.output, absolute: absolute, relative: relative, "\(c.name): output")
        let dx = try layer.backward(Tensor(shape: c.output_shape, data: c.upstream))
        assertClose(dx.data, c.input_grad, absolute: absolute, relative: relative, "\(c.name): input gradient")
        if let weightGrad = c.weight_grad, let biasGrad = c.bias_grad {
            assertClose(
                params[0].grad.data, weightGrad, absolute: absolute, relative: relative, "\(c.name): kernel gradient")
            assertClose(
                params[1].grad.data, biasGrad, absolute: absolute, relative: relative, "\(c.name): bias gradient")
        }
    }

    func testConv2DMatchesPyTorch() throws {
        let cases = try loadSpatialReference("conv_conv2d")
        XCTAssertGreaterThanOrEqual(cases.count, 7)
        for c in cases {
            try check(
                Conv2D(
                    filters: c.filters!, kernel: c.kernel!, stride: c.stride!, padding: Padding(rawValue: c.padding!)!),
                c)
        }
    }

    func testConvTranspose2DMatchesPyTorch() throws {
        for c in try loadSpatialReference("conv_deconv") {
            try check(
                ConvTranspose2D(
                    filters: c.filters!, kernel: c.kernel!, stride: c.stride!, padding: Padding(rawValue: c.padding!)!),
                c)
        }
    }

    func testPoolingMatchesPyTorch() throws {
        for c in try loadSpatialReference("conv_pool") {
            try check(Pool2D(kind: PoolKind(rawValue: c.kind!)!, size: c.size!), c)
        }
    }

    func testUpsampleMatchesPyTorch() throws {
        for c in try loadSpatialReference("conv_upsample") {
            try check(Upsample2D(factor: c.factor!), c)
        }
    }
}
