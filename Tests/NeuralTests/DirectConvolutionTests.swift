import Support
import XCTest

@testable import Neural

/// Few-channel stride-1 convolutions run on the direct planar kernels; every output and
/// gradient must match the im2col path (itself checked against PyTorch) on shapes that hit
/// each kernel branch: widths over and under 16, odd heights, kernels 1 to 7, channel counts
/// that are and are not multiples of 4, padding same and valid.
final class DirectConvolutionTests: XCTestCase {
    private func compare(
        height: Int, width: Int, channels: Int, filters: Int, kernel: Int, padding: Padding, batch: Int = 3,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        func run(direct: Bool) throws -> [[Float]] {
            let rng = SeededGenerator(seed: 21)
            let conv = Conv2D(filters: filters, kernel: kernel, padding: padding)
            conv.allowsDirectConvolution = direct
            try conv.build(inputShape: [height, width, channels], initializer: .glorotUniform, rng: rng)
            conv.bias.value.data = (0..<filters).map { _ in rng.nextNormal() }
            let x = randomTensor([batch, height, width, channels], rng: rng)
            let y = try conv.forward(x, context: evaluationContext())
            let dx = try conv.backward(randomTensor(y.shape, rng: rng))
            return [y.data, dx.data, conv.weight.grad.data, conv.bias.grad.data]
        }
        let what = "\(height)x\(width)x\(channels) -> \(filters), kernel \(kernel) \(padding)"
        XCTAssertTrue(
            DirectConvolution.suits(
                try ConvGeometry(
                    input: ImageShape([height, width, channels], for: "test"), kernel: kernel, stride: 1,
                    padding: padding, layer: "test"), filters: filters), what, file: file, line: line)
        let direct = try run(direct: true), im2col = try run(direct: false)
        for (name, (a, b)) in zip(["y", "dx", "dW", "db"], zip(direct, im2col)) {
            assertClose(a, b, absolute: 1e-4, relative: 1e-4, "\(what) \(name)", file: file, line: line)
        }
    }

    /// Each chunk's first image stores the weight-gradient lanes rather than adding to them, so
    /// nothing of an earlier backward may leak into the next: the same backward twice gives
    /// the same gradient twice.
    func testRepeatedBackwardGivesTheSameWeightGradient() throws {
        let rng = SeededGenerator(seed: 8)
        let conv = Conv2D(filters: 4, kernel: 5, padding: .same)
        try conv.build(inputShape: [28, 28, 1], initializer: .glorotUniform, rng: rng)
        XCTAssertTrue(conv.allowsDirectConvolution)
        let x = randomTensor([7, 28, 28, 1], rng: rng)
        let dy = randomTensor([7, 28, 28, 4], rng: rng)
        var gradients: [[Float]] = []
        for _ in 0..<2 {
            conv.weight.grad.data = Array(repeating: 0, count: conv.weight.grad.count)
            conv.bias.grad.data = Array(repeating: 0, count: conv.bias.grad.count)
            _ = try conv.forward(x, context: evaluationContext())
            _ = try conv.backward(dy)
            gradients.append(conv.weight.grad.data)
        }
        XCTAssertEqual(gradients[0], gradients[1])
        XCTAssertTrue(gradients[0].contains { $0 != 0 })
    }

    func testDirectMatchesIm2colOnEveryBranch() throws {
        try compare(height: 28, width: 28, channels: 1, filters: 4, kernel: 5, padding: .same)
        try compare(height: 28, width: 28, channels: 4, filters: 1, kernel: 7, padding: .same)
        try compare(height: 28, width: 28, channels: 8, filters: 4, kernel: 6, padding: .same)
        try compare(height: 14, width: 14, channels: 16, filters: 8, kernel: 5, padding: .same)
        try compare(height: 7, width: 7, channels: 3, filters: 5, kernel: 3, padding: .same)
        try compare(height: 9, width: 23, channels: 2, filters: 6, kernel: 4, padding: .valid)
        try compare(height: 33, width: 37, channels: 3, filters: 9, kernel: 1, padding: .same)
        try compare(height: 12, width: 40, channels: 5, filters: 3, kernel: 6, padding: .valid)
        try compare(height: 5, width: 5, channels: 1, filters: 1, kernel: 5, padding: .valid, batch: 11)
    }

    func testLargeChannelCountsStayOnIm2col() throws {
        let geometry = try ConvGeometry(
            input: ImageShape([14, 14, 32], for: "test"), kernel: 3, stride: 1, padding: .same, layer: "test")
        XCTAssertFalse(DirectConvolution.suits(geometry, filters: 64))
        let strided = try ConvGeometry(
            input: ImageShape([14, 14, 1], for: "test"), kernel: 3, stride: 2, padding: .same, layer: "test")
        XCTAssertFalse(DirectConvolution.suits(strided, filters: 4))
    }
}

/// "upsample f, conv" computed as one convolution of the small image must equal the two layers
/// run apart, in output and in every gradient.
final class UpsampledConvolutionTests: XCTestCase {
    private func compare(
        height: Int, width: Int, channels: Int, filters: Int, kernel: Int, factor: Int = 2,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        func run(fused: Bool) throws -> [[Float]] {
            let rng = SeededGenerator(seed: 4)
            let upsample = Upsample2D(factor: factor)
            let conv = Conv2D(filters: filters, kernel: kernel)
            try upsample.build(inputShape: [height, width, channels], initializer: .glorotUniform, rng: rng)
            let big = [height * factor, width * factor, channels]
            try conv.build(inputShape: big, initializer: .glorotUniform, rng: rng)
            conv.bias.value.data = (0..<filters).map { _ in rng.nextNormal() }
            if fused {
                XCTAssertTrue(conv.fuseUpsampling(factor: factor), file: file, line: line)
                upsample.passesThrough = true
            }
            let x = randomTensor([3, height, width, channels], rng: rng)
            let y = try conv.forward(
                try upsample.forward(x, context: evaluationContext()), context: evaluationContext())
            let dx = try upsample.backward(try conv.backward(randomTensor(y.shape, rng: rng)))
            return [y.data, dx.data, conv.weight.grad.data, conv.bias.grad.data]
        }
        let what = "upsample \(factor) of \(height)x\(width)x\(channels), conv \(filters) kernel \(kernel)"
        let fused = try run(fused: true), apart = try run(fused: false)
        for (name, (a, b)) in zip(["y", "dx", "dW", "db"], zip(fused, apart)) {
            assertClose(a, b, absolute: 2e-4, relative: 1e-4, "\(what) \(name)", file: file, line: line)
        }
    }

    func testFusedEqualsApartForTheSeedKernelsAndOthers() throws {
        try compare(height: 7, width: 7, channels: 16, filters: 8, kernel: 5)
        try compare(height: 14, width: 14, channels: 8, filters: 4, kernel: 6)
        try compare(height: 5, width: 9, channels: 3, filters: 2, kernel: 3)
        try compare(height: 6, width: 4, channels: 2, filters: 5, kernel: 4, factor: 3)
        try compare(height: 8, width: 8, channels: 1, filters: 1, kernel: 1)
        try compare(height: 3, width: 3, channels: 2, filters: 3, kernel: 7)
    }

    /// A whole model fuses its pair and still trains to the same losses as with fusion off.
    func testModelFusesUpsampleAndConvolution() throws {
        let specs: [LayerSpec] = [
            .flatten, .dense(units: 49 * 4, activation: .relu, dropout: nil),
            .latent(units: 8, activation: .tanh, kind: .plain, sparsity: .none),
            .dense(units: 49 * 4, activation: .relu, dropout: nil), .reshape(shape: [7, 7, 4]), .upsample(factor: 2),
            .conv(filters: 4, kernel: 5, stride: 1, padding: .same, activation: .relu), .upsample(factor: 2),
            .conv(filters: 1, kernel: 3, stride: 1, padding: .same, activation: .sigmoid),
        ]
        let model = try Autoencoder(specs: specs, inputShape: [28, 28, 1], seed: 3)
        let upsamples = model.layers.compactMap { $0 as? Upsample2D }
        XCTAssertEqual(upsamples.map(\.passesThrough), [true, true])
        let rng = SeededGenerator(seed: 5)
        let x = Tensor(shape: [16, 28, 28, 1], data: (0..<(16 * 784)).map { _ in rng.nextUniform() })
        let y = try model.reconstruct(x)
        XCTAssertEqual(y.shape, [16, 28, 28, 1])
        let report = try model.train(
            on: x, options: TrainingOptions(length: .steps(3), batchSize: 8, testsEachEpoch: false))
        XCTAssertEqual(report.steps, 3)
    }
}

/// A model with its layers fused (upsample into conv, activation into conv) computes what the
/// same model with every layer run apart computes: outputs and every gradient.
final class LayerFusionTests: XCTestCase {
    func testFusedModelMatchesTheLayersRunApart() throws {
        let specs: [LayerSpec] = [
            .conv(filters: 4, kernel: 5, stride: 1, padding: .same, activation: .relu), .pool(kind: .max, size: 2),
            .conv(filters: 8, kernel: 3, stride: 1, padding: .same, activation: .elu), .pool(kind: .max, size: 2),
            .flatten, .latent(units: 6, activation: .tanh, kind: .plain, sparsity: .none),
            .dense(units: 7 * 7 * 4, activation: .relu, dropout: nil), .reshape(shape: [7, 7, 4]),
            .upsample(factor: 2), .conv(filters: 8, kernel: 5, stride: 1, padding: .same, activation: .relu),
            .upsample(factor: 2), .conv(filters: 4, kernel: 6, stride: 1, padding: .same, activation: .tanh),
            .conv(filters: 1, kernel: 7, stride: 1, padding: .same, activation: .sigmoid),
        ]
        func run(fused: Bool) throws -> (Autoencoder, [[Float]]) {
            Autoencoder.fusesLayers = fused
            defer { Autoencoder.fusesLayers = true }
            let model = try Autoencoder(specs: specs, inputShape: [28, 28, 1], seed: 12)
            if !fused { for case let conv as Conv2D in model.layers { conv.allowsDirectConvolution = false } }
            let rng = SeededGenerator(seed: 3)
            let x = Tensor(
                shape: [5, 28, 28, 1],
                data: (0..<(5 * 784)).map { _ in rng.nextUniform() < 0.3 ? rng.nextUniform() : 0 })
            let loss = try model.trainingStep(
                input: x, target: x, plan: model.trainingPlan(for: .mse),
                context: ForwardContext(training: true, rng: SeededGenerator(seed: 4)))
            return (model, [[loss], try model.reconstruct(x).data] + model.parameters.map(\.grad.data))
        }
        let (fusedModel, fused) = try run(fused: true)
        let (_, apart) = try run(fused: false)
        let passing = fusedModel.layers.compactMap { ($0 as? ActivationLayer)?.passesThrough }
        XCTAssertEqual(passing, [true, true, true, true, false], "every activation but the last is fused")
        XCTAssertEqual(fusedModel.layers.compactMap { ($0 as? Upsample2D)?.passesThrough }, [true, true])
        for (index, (a, b)) in zip(fused, apart).enumerated() {
            assertClose(a, b, absolute: 1e-5, relative: 1e-3, "value \(index)")
        }
    }
}
