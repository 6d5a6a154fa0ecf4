import Support
import XCTest

@testable import Neural

/// The model's contract: building, shapes, summaries, encode/decode/reconstruct, errors.
final class AutoencoderTests: XCTestCase {
    static let dense002: [LayerSpec] = [
        .dense(units: 250, activation: .relu, dropout: nil),
        .latent(units: 16, activation: .tanh, kind: .plain, sparsity: .none),
        .dense(units: 320, activation: .relu, dropout: nil),
        .dense(units: 784, activation: .sigmoid, dropout: nil),
    ]

    func randomImages(_ count: Int, seed: UInt64 = 1) -> Tensor {
        let rng = SeededGenerator(seed: seed)
        return Tensor(shape: [count, 28, 28, 1], data: (0..<count * 784).map { _ in rng.nextUniform() })
    }

    func testSummaryCountsParametersAndShapes() throws {
        let model = try Autoencoder(specs: Self.dense002, inputShape: [28, 28, 1])
        let summary = model.summary()
        XCTAssertEqual(summary.totalParameters, 196_250 + 4_016 + 5_440 + 251_664)
        XCTAssertEqual(model.parameterCount, summary.totalParameters)
        XCTAssertEqual(
            summary.rows.map(\.description),
            ["input", "dense 250 relu", "dense 16 tanh", "dense 320 relu", "dense 784 sigmoid"])
        XCTAssertEqual(summary.rows.map(\.outputShape), [[28, 28, 1], [250], [16], [320], [28, 28, 1]])
        XCTAssertEqual(summary.rows.map(\.part), [.input, .encoder, .latent, .decoder, .decoder])
        XCTAssertEqual(model.latentSize, 16)
        XCTAssertFalse(model.isVariational)
        XCTAssertTrue(summary.text.contains("total parameters: 457370"))
    }

    /// The one layer walk: each layer's shape and the line it carries out, lines of two layers
    /// (dense with dropout, a sparse latent) included; the model keeps what the walk found.
    func testLayerWalkFollowsShapesAndLines() throws {
        let specs: [LayerSpec] = [
            .conv(filters: 4, kernel: 3, stride: 2, padding: .same, activation: .relu),
            .dense(units: 64, activation: .relu, dropout: 0.2),
            .latent(units: 8, activation: .relu, kind: .plain, sparsity: .l1(weight: 1e-4)),
            .dense(units: 784, activation: .sigmoid, dropout: nil),
        ]
        var walk = LayerWalk(inputShape: [28, 28, 1])
        for (index, spec) in specs.enumerated() {
            for layer in try LayerFactory.layers(for: spec) { try walk.pass(layer, spec: index) }
        }
        XCTAssertEqual(walk.specIndices, [0, 0, 1, 1, 2, 2, 3])
        XCTAssertEqual(walk.outputShapes, [[14, 14, 4], [14, 14, 4], [64], [64], [8], [8], [784]])
        XCTAssertEqual(walk.shape, [784])
        XCTAssertNil(walk.outputMismatch)
        XCTAssertThrowsError(try walk.pass(Reshape([5, 5]), spec: 4))
        XCTAssertEqual(walk.layers.count, 7, "a layer that does not fit is not passed")

        let model = try Autoencoder(specs: specs, inputShape: [28, 28, 1])
        XCTAssertEqual(model.layerSpecIndices, walk.specIndices)
        XCTAssertEqual(model.layerOutputShapes, walk.outputShapes)
        XCTAssertEqual(model.layers.count, 7)
        XCTAssertEqual(
            model.summary().rows.map(\.part),
            [.input] + Array(repeating: .encoder, count: 4) + [.latent, .latent, .decoder])
    }

    func testEncodeDecodeReconstructShapes() throws {
        let model = try Autoencoder(specs: Self.dense002, inputShape: [28, 28, 1])
        let x = randomImages(5)
        let codes = try model.encode(x)
        XCTAssertEqual(codes.shape, [5, 16])
        XCTAssertTrue(codes.data.allSatisfy { abs($0) <= 1 })
        let decoded = try model.decode(codes)
        XCTAssertEqual(decoded.shape, [5, 28, 28, 1])
        XCTAssertEqual(try model.reconstruct(x), decoded)
        // A flat (batch, 784) input is accepted for 28x28x1.
        XCTAssertEqual(try model.reconstruct(x.reshaped([5, 784])), decoded)
        // An empty batch gives an empty answer, not a crash.
        XCTAssertEqual(try model.reconstruct(Tensor(zeros: [0, 28, 28, 1])).shape, [0, 28, 28, 1])
        XCTAssertEqual(try model.encode(Tensor(zeros: [0, 784])).shape, [0, 16])
    }

    func testMismatchedOutputNamesBothSizes() {
        let specs: [LayerSpec] = [
            .dense(units: 64, activation: .relu, dropout: nil),
            .latent(units: 8, activation: .linear, kind: .plain, sparsity: .none),
            .dense(units: 512, activation: .sigmoid, dropout: nil),
        ]
        XCTAssertThrowsError(try Autoencoder(specs: specs, inputShape: [28, 28, 1])) { error in
            XCTAssertEqual(
                (error as? ShapeError)?.message, "the decoder ends with 512 values but the input has 784 (28x28x1)")
        }
    }

    func testLatentCountAndUnavailableLayersAreErrors() {
        XCTAssertThrowsError(
            try Autoencoder(specs: [.dense(units: 784, activation: .linear, dropout: nil)], inputShape: [784])
        ) { XCTAssertTrue(($0 as? ModelError)?.message.contains("has none") ?? false) }
        let two: [LayerSpec] = [
            .latent(units: 4, activation: .linear, kind: .plain, sparsity: .none),
            .latent(units: 4, activation: .linear, kind: .plain, sparsity: .none),
        ]
        XCTAssertThrowsError(try Autoencoder(specs: two, inputShape: [4])) {
            XCTAssertTrue(($0 as? ModelError)?.message.contains("has 2") ?? false)
        }
        let gaussianWithActivation: [LayerSpec] = [
            .latent(units: 4, activation: .tanh, kind: .gaussian, sparsity: .none)
        ]
        XCTAssertThrowsError(try Autoencoder(specs: gaussianWithActivation, inputShape: [4]))
    }

    func testWrongInputShapeIsAnErrorAndStateSurvives() throws {
        let model = try Autoencoder(specs: Self.dense002, inputShape: [28, 28, 1])
        let before = model.parameters.map(\.value)
        XCTAssertThrowsError(try model.reconstruct(Tensor(zeros: [3, 10]))) { error in
            XCTAssertTrue((error as? ShapeError)?.message.contains("784") ?? false)
        }
        XCTAssertThrowsError(try model.decode(Tensor(zeros: [3, 15])))
        XCTAssertEqual(model.parameters.map(\.value), before)
        XCTAssertNoThrow(try model.reconstruct(randomImages(2)))
    }

    func testVariationalModel() throws {
        let specs: [LayerSpec] = [
            .dense(units: 40, activation: .relu, dropout: nil),
            .latent(units: 3, activation: .linear, kind: .gaussian, sparsity: .none),
            .dense(units: 40, activation: .relu, dropout: nil),
            .dense(units: 784, activation: .sigmoid, dropout: nil),
        ]
        let model = try Autoencoder(specs: specs, inputShape: [28, 28, 1])
        XCTAssertTrue(model.isVariational)
        XCTAssertEqual(model.latentSize, 3)
        let x = randomImages(4)
        // Evaluation is deterministic (the mean), twice the same.
        XCTAssertEqual(try model.encode(x), try model.encode(x))
        XCTAssertEqual(model.summary().totalParameters, 784 * 40 + 40 + 2 * (40 * 3 + 3) + 3 * 40 + 40 + 40 * 784 + 784)
    }
}

/// Tensor helpers that take outside input report errors instead of trapping.
final class TensorCheckedTests: XCTestCase {
    func testCheckedConstructionAndSlicing() throws {
        XCTAssertThrowsError(try Tensor(checkedShape: [2, 3], data: [1, 2, 3])) {
            XCTAssertEqual(($0 as? ShapeError)?.message, "a tensor of shape 2x3 needs 6 values but got 3")
        }
        let t = try Tensor(checkedShape: [3, 2], data: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try t.samples(in: 1..<3).data, [3, 4, 5, 6])
        XCTAssertThrowsError(try t.samples(in: 2..<5))
        XCTAssertThrowsError(try t.reshaped([4, 2]))
        XCTAssertEqual(t.gathering([2, 0]).data, [5, 6, 1, 2])
    }
}
