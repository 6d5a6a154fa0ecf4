import Support
import XCTest

@testable import Neural

/// Training behaviour on small synthetic data: learning, determinism, hooks, divergence,
/// pausing and resuming through snapshots.
final class TrainingTests: XCTestCase {
    /// Blurry stripes: low-dimensional data a small autoencoder can learn quickly.
    func stripes(_ count: Int, seed: UInt64) -> Tensor {
        let rng = SeededGenerator(seed: seed)
        var data: [Float] = []
        for _ in 0..<count {
            let phase = rng.nextUniform() * 6.28, frequency = 0.2 + rng.nextUniform() * 0.3
            for i in 0..<64 { data.append(0.5 + 0.45 * sin(Float(i) * frequency + phase)) }
        }
        return Tensor(shape: [count, 64], data: data)
    }

    let small: [LayerSpec] = [
        .dense(units: 32, activation: .relu, dropout: 0.1),
        .latent(units: 4, activation: .tanh, kind: .plain, sparsity: .none),
        .dense(units: 32, activation: .relu, dropout: nil),
        .dense(units: 64, activation: .sigmoid, dropout: nil),
    ]

    func testLossFallsAndHistoryIsKept() throws {
        let model = try Autoencoder(specs: small, inputShape: [64], seed: 3)
        let report = try model.train(
            on: stripes(512, seed: 1), test: stripes(128, seed: 2),
            options: TrainingOptions(length: .epochs(8), batchSize: 32, learningRate: 3e-3))
        XCTAssertEqual(report.stop, .finished)
        XCTAssertEqual(model.history.count, 8)
        XCTAssertEqual(model.epochsTrained, 8)
        XCTAssertEqual(model.stepsTrained, 8 * 16)
        let first = model.history.first!, last = model.history.last!
        XCTAssertLessThan(last.trainLoss, first.trainLoss * 0.7)
        XCTAssertLessThan(last.testLoss!, first.testLoss!)
    }

    func testSameSeedSameResultBitForBit() throws {
        func run() throws -> [Float] {
            let model = try Autoencoder(specs: small, inputShape: [64], seed: 5)
            try model.train(
                on: stripes(256, seed: 1),
                options: TrainingOptions(length: .epochs(2), batchSize: 32, noise: .gaussian(0.2), seed: 9))
            return model.parameters.flatMap(\.value.data)
        }
        XCTAssertEqual(try run(), try run())
    }

    func testHookInterruptsAndModelKeepsWhatItLearned() throws {
        let model = try Autoencoder(specs: small, inputShape: [64], seed: 3)
        let before = model.parameters.map(\.value)
        var calls = 0
        let report = try model.train(
            on: stripes(256, seed: 1), options: TrainingOptions(length: .epochs(3), batchSize: 32)
        ) {
            progress in
            calls += 1
            XCTAssertEqual(progress.batchesPerEpoch, 8)
            return !(progress.epoch == 2 && progress.batch == 3)
        }
        XCTAssertEqual(calls, 11)
        XCTAssertEqual(report.stop, .interrupted(epoch: 2, batch: 3))
        XCTAssertEqual(model.epochsTrained, 1)
        XCTAssertEqual(model.stepsTrained, 11)
        XCTAssertEqual(model.history.map(\.complete), [true, false])
        XCTAssertNotEqual(model.parameters.map(\.value), before)
    }

    func testHookSeesProbabilitiesDuringFusedBCETraining() throws {
        let model = try Autoencoder(specs: small, inputShape: [64], seed: 3)
        let data = stripes(64, seed: 1)
        var checked = 0
        try model.train(on: data, options: TrainingOptions(length: .steps(2), batchSize: 32, loss: .bce)) { _ in
            let outputs = try! model.reconstruct(data.samples(0..<4))
            XCTAssertTrue(outputs.data.allSatisfy { $0 >= 0 && $0 <= 1 })
            checked += 1
            return true
        }
        XCTAssertEqual(checked, 2)
        XCTAssertTrue(try model.reconstruct(data).data.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    func testDivergenceStopsAndRestores() throws {
        let model = try Autoencoder(specs: small, inputShape: [64], seed: 3)
        var bad = stripes(64, seed: 1)
        let report1 = try model.train(
            on: bad, options: TrainingOptions(length: .steps(2), batchSize: 64, optimizer: .sgd()))
        XCTAssertEqual(report1.stop, .finished)
        let good = model.parameters.map(\.value)
        bad.data[5] = .nan
        let report = try model.train(on: bad, options: TrainingOptions(length: .steps(3), batchSize: 64))
        // Two one-batch epochs went before: the third step is epoch 3's first batch.
        XCTAssertEqual(report.stop, .diverged(epoch: 3, batch: 1, step: 3))
        XCTAssertTrue(report.message.contains("step 3"))
        XCTAssertEqual(model.parameters.map(\.value), good)
    }

    func testSnapshotRoundTripResumesIdentically() throws {
        let data = stripes(256, seed: 1)
        let options = TrainingOptions(length: .epochs(1), batchSize: 32, optimizer: .adam())
        let model = try Autoencoder(specs: small, inputShape: [64], seed: 3)
        try model.train(on: data, options: options)
        let bytes = try model.snapshot().bytes()
        let restored = try Autoencoder(snapshot: ModelSnapshot(bytes: bytes))
        XCTAssertEqual(restored.snapshot(), model.snapshot())
        try model.train(on: data, options: options)
        try restored.train(on: data, options: options)
        XCTAssertEqual(restored.parameters.map(\.value), model.parameters.map(\.value))
        XCTAssertEqual(restored.history.map(\.trainLoss), model.history.map(\.trainLoss))
        XCTAssertThrowsError(try ModelSnapshot(bytes: Array(bytes.dropLast(3))))
    }

    /// A snapshot taken where `epochEnded` is called (autosave's place) goes on exactly as the
    /// call it was taken from: same weights, same losses, test losses included.
    func testASnapshotAtTheEndOfAnEpochGoesOnAsTheRunItCameFrom() throws {
        let (data, test) = (stripes(256, seed: 1), stripes(64, seed: 2))
        let options = TrainingOptions(length: .epochs(4), batchSize: 32, optimizer: .adam())
        let model = try Autoencoder(specs: small, inputShape: [64], seed: 3)
        var snapshots: [ModelSnapshot] = []
        var seenHistory: [Int] = []
        try model.train(
            on: data, test: test, options: options,
            epochEnded: { record in
                XCTAssertNotNil(record.testLoss)
                seenHistory.append(model.history.count)
                snapshots.append(model.snapshot())
            })
        XCTAssertEqual(seenHistory, [1, 2, 3, 4])
        XCTAssertEqual(snapshots.map(\.epochsTrained), [1, 2, 3, 4])
        let resumed = try Autoencoder(snapshot: snapshots[1])
        var rest = options
        rest.length = .epochs(2)
        try resumed.train(on: data, test: test, options: rest)
        XCTAssertEqual(resumed.parameters.map(\.value), model.parameters.map(\.value))
        XCTAssertEqual(resumed.history.map(\.trainLoss), model.history.map(\.trainLoss))
        XCTAssertEqual(resumed.history.map(\.testLoss), model.history.map(\.testLoss))
        XCTAssertEqual(resumed.optimizerState, model.optimizerState)
    }

    func testEvaluateReportsAllMeasures() throws {
        let model = try Autoencoder(specs: small, inputShape: [64], seed: 3)
        let e = try model.evaluate(on: stripes(100, seed: 4))
        XCTAssertEqual(e.count, 100)
        XCTAssertEqual(e.psnr, 10 * log10(1 / e.mse), accuracy: 1e-3)
        XCTAssertGreaterThan(e.bce, 0)
        XCTAssertGreaterThan(e.l1, 0)
    }
}
