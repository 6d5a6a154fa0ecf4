import Support
import XCTest

@testable import Neural

/// Batchnorm in a model: its running statistics are saved and restored with the model, never
/// trained by the optimizer, and put back with the weights when a step's loss is not finite.
final class BatchNormModelTests: XCTestCase {
    let specs: [LayerSpec] = [
        .dense(units: 12, activation: .linear, dropout: nil), .batchnorm(activation: .relu),
        .latent(units: 3, activation: .linear, kind: .plain, sparsity: .none),
        .dense(units: 16, activation: .sigmoid, dropout: nil),
    ]

    func data(_ count: Int, seed: UInt64) -> Tensor {
        let rng = SeededGenerator(seed: seed)
        return Tensor(shape: [count, 16], data: (0..<count * 16).map { _ in rng.nextUniform() })
    }

    func testSnapshotCarriesRunningStatisticsAndResumesIdentically() throws {
        let model = try Autoencoder(specs: specs, inputShape: [16], seed: 5)
        XCTAssertEqual(
            model.buffers.map(\.value.data), [[Float](repeating: 0, count: 12), [Float](repeating: 1, count: 12)])
        let train = data(96, seed: 1)
        let options = TrainingOptions(length: .epochs(2), batchSize: 16, optimizer: .adam())
        try model.train(on: train, options: options)
        XCTAssertNotEqual(model.buffers[0].value.data, [Float](repeating: 0, count: 12))
        XCTAssertEqual(model.optimizerState?.slots.count, model.parameters.count)
        XCTAssertEqual(model.parameterCount, 16 * 12 + 12 + 2 * 12 + 12 * 3 + 3 + 3 * 16 + 16)

        let snapshot = model.snapshot()
        XCTAssertEqual(snapshot.buffers.map(\.name), ["running_mean", "running_var"])
        let restored = try Autoencoder(snapshot: ModelSnapshot(bytes: try snapshot.bytes()))
        XCTAssertEqual(restored.buffers.map(\.value), model.buffers.map(\.value))
        let test = data(10, seed: 2)
        XCTAssertEqual(try restored.reconstruct(test), try model.reconstruct(test))
        try model.train(on: train, options: options)
        try restored.train(on: train, options: options)
        XCTAssertEqual(restored.buffers.map(\.value), model.buffers.map(\.value))
        XCTAssertEqual(restored.parameters.map(\.value), model.parameters.map(\.value))

        // A definition whose buffers differ is refused.
        var other = snapshot
        other.buffers[1].shape = [6]
        other.buffers[1].values = Array(other.buffers[1].values.prefix(6))
        XCTAssertThrowsError(try Autoencoder(snapshot: other)) {
            XCTAssertEqual(
                $0 as? ModelError, ModelError("saved buffer 2 (running_var) is 6 but the model needs 12"))
        }
    }

    func testADivergedStepPutsTheRunningStatisticsBack() throws {
        let model = try Autoencoder(specs: specs, inputShape: [16], seed: 5)
        var train = data(32, seed: 1)
        try model.train(on: train, options: TrainingOptions(length: .steps(2), batchSize: 32))
        let weights = model.parameters.map(\.value), statistics = model.buffers.map(\.value)
        train.data[3] = .infinity
        let report = try model.train(on: train, options: TrainingOptions(length: .steps(2), batchSize: 32))
        XCTAssertEqual(report.stop, .diverged(epoch: 3, batch: 1, step: 3))
        XCTAssertEqual(model.parameters.map(\.value), weights)
        XCTAssertEqual(model.buffers.map(\.value), statistics)
    }

    func testConvolutionChannelsAreNormalisedOneByOne() throws {
        let model = try Autoencoder(
            specs: [
                .conv(filters: 3, kernel: 3, stride: 1, padding: .same, activation: .linear), .batchnorm(),
                .flatten, .latent(units: 2, activation: .linear, kind: .plain, sparsity: .none),
                .dense(units: 36, activation: .sigmoid, dropout: nil),
            ], inputShape: [6, 6, 1], seed: 2)
        XCTAssertEqual(model.buffers.map(\.value.shape), [[3], [3]])
        XCTAssertEqual(model.summary().rows.map(\.description).prefix(3), ["input", "conv 3 kernel 3", "batchnorm"])
        XCTAssertEqual(model.summary().rows[2].parameters, 6)
        let rng = SeededGenerator(seed: 4)
        let images = Tensor(shape: [8, 6, 6, 1], data: (0..<288).map { _ in rng.nextUniform() })
        try model.train(on: images, options: TrainingOptions(length: .steps(1), batchSize: 8))
        XCTAssertTrue(model.buffers[1].value.data.allSatisfy { $0 != 1 })
    }
}
