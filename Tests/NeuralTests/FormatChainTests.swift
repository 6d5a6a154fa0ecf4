import Foundation
import Support
import XCTest

@testable import Neural

/// Saved snapshots are read by the reader of their own format version and migrated step by step
/// to the current one; a version this build does not know is refused with a clear message.
final class FormatChainTests: XCTestCase {
    /// Three versions with a type each: every version is read by its own reader, then taken
    /// through each step after it, in order.
    func testEachVersionIsReadByItsReaderThenEveryLaterStep() throws {
        struct V1 { var log: [String] }
        struct V2 { var log: [String] }
        let chain = FormatChain<[String], [String]>(version: 3) { ["read 3 (\($0.count) bytes)"] }
            .preceded(by: 2, read: { V2(log: ["read 2 (\($0.count) bytes)"]) }, migrate: { $0.log + ["2 to 3"] })
            .preceded(
                by: 1, read: { V1(log: ["read 1 (\($0.count) bytes)"]) }, migrate: { V2(log: $0.log + ["1 to 2"]) })
        XCTAssertEqual(chain.oldestVersion, 1)
        XCTAssertEqual(chain.newestVersion, 3)
        XCTAssertEqual(try chain.read([7], version: 1), ["read 1 (1 bytes)", "1 to 2", "2 to 3"])
        XCTAssertEqual(try chain.read([7, 7], version: 2), ["read 2 (2 bytes)", "2 to 3"])
        XCTAssertEqual(try chain.read([], version: 3), ["read 3 (0 bytes)"])
        XCTAssertThrowsError(try chain.read([], version: 4)) { error in
            XCTAssertEqual(error as? FormatVersionError, .newer(found: 4, newest: 3))
            XCTAssertEqual(
                "\(error)",
                "this model was saved by a newer Latent (format 4); this one reads formats up to 3: update Latent")
        }
        XCTAssertThrowsError(try chain.read([], version: 0)) { error in
            XCTAssertEqual(error as? FormatVersionError, .unknown(found: 0, oldest: 1, newest: 3))
            XCTAssertEqual(
                "\(error)", "this model is in format 0, which this Latent does not read (it reads formats 1 to 3)")
        }
    }

    func trainedModel() throws -> Autoencoder {
        let specs: [LayerSpec] = [
            .dense(units: 8, activation: .relu, dropout: nil),
            .latent(units: 2, activation: .linear, kind: .plain, sparsity: .none),
            .dense(units: 16, activation: .sigmoid, dropout: nil),
        ]
        let model = try Autoencoder(specs: specs, inputShape: [16], seed: 4)
        let rng = SeededGenerator(seed: 9)
        let data = Tensor(shape: [40, 16], data: (0..<640).map { _ in rng.nextUniform() })
        try model.train(on: data, options: TrainingOptions(length: .epochs(2), batchSize: 8, optimizer: .adam()))
        return model
    }

    /// The snapshot's own chain: formats 1 and 2; the version comes from the JSON header, and
    /// any other version is refused before its layout is read.
    func testSnapshotsAreReadByTheVersionInTheirHeader() throws {
        XCTAssertEqual(ModelSnapshot.formats.oldestVersion, 1)
        XCTAssertEqual(ModelSnapshot.formats.newestVersion, ModelSnapshot.formatVersion)
        XCTAssertEqual(ModelSnapshot.formatVersion, 2)
        let snapshot = try trainedModel().snapshot()
        let bytes = try snapshot.bytes()
        XCTAssertEqual(try ModelSnapshot.version(of: bytes), 2)
        XCTAssertEqual(try ModelSnapshot(bytes: bytes), snapshot)

        var future = snapshot
        future.formatVersion = 3
        XCTAssertThrowsError(try ModelSnapshot(bytes: try future.bytes())) { error in
            XCTAssertEqual(error as? FormatVersionError, .newer(found: 3, newest: 2))
            XCTAssertEqual(
                "\(error)",
                "this model was saved by a newer Latent (format 3); this one reads formats up to 2: update Latent")
        }
        // A later format may lay out its values differently: only the header's version is read.
        XCTAssertThrowsError(try ModelSnapshot(bytes: Array(try future.bytes().dropLast(5)) + [1, 2])) {
            XCTAssertEqual($0 as? FormatVersionError, .newer(found: 3, newest: 2))
        }
        var unknown = snapshot
        unknown.formatVersion = 0
        XCTAssertThrowsError(try ModelSnapshot(bytes: try unknown.bytes())) {
            XCTAssertEqual($0 as? FormatVersionError, .unknown(found: 0, oldest: 1, newest: 2))
        }
        let noVersion = Array("{}".utf8)
        XCTAssertThrowsError(try ModelSnapshot(bytes: [UInt8(noVersion.count), 0, 0, 0] + noVersion)) {
            XCTAssertTrue(($0 as? ModelError)?.message.contains("names no format version") ?? false, "\($0)")
        }
        XCTAssertThrowsError(try ModelSnapshot(bytes: [200, 0, 0, 0, 1])) {
            XCTAssertEqual($0 as? ModelError, ModelError("the saved model is truncated (header)"))
        }
    }

    /// Format 1 (Latent 0.1.0) as it was written: the JSON header without buffers, the
    /// parameters' values, then the optimizer's buffers.
    func formatOneBytes(_ s: ModelSnapshot) throws -> [UInt8] {
        var header = ModelSnapshotV1(
            formatVersion: 1, specs: s.specs, inputShape: s.inputShape, initializer: s.initializer, seed: s.seed,
            parameters: s.parameters.map { .init(name: $0.name, shape: $0.shape, values: []) },
            optimizer: s.optimizer, history: s.history, epochsTrained: s.epochsTrained, stepsTrained: s.stepsTrained,
            generatorState: s.generatorState)
        header.optimizer?.slots = []
        let json = [UInt8](try JSONEncoder().encode(header))
        var out = withUnsafeBytes(of: UInt32(json.count).littleEndian) { Array($0) } + json
        let floats = s.parameters.flatMap(\.values) + (s.optimizer?.slots.flatMap { $0.flatMap { $0 } } ?? [])
        for v in floats { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
        return out
    }

    /// A format 1 snapshot is read by format 1's reader and given the empty buffers of its time.
    func testFormatOneIsMigratedToFormatTwo() throws {
        let model = try trainedModel()
        let snapshot = model.snapshot()
        XCTAssertEqual(snapshot.buffers, [])
        let old = try formatOneBytes(snapshot)
        XCTAssertFalse(String(decoding: old, as: UTF8.self).contains("buffers"))
        XCTAssertEqual(try ModelSnapshot.version(of: old), 1)
        XCTAssertEqual(try ModelSnapshot(bytes: old), snapshot)
        let restored = try Autoencoder(snapshot: ModelSnapshot(bytes: old))
        XCTAssertEqual(restored.parameters.map(\.value), model.parameters.map(\.value))
        XCTAssertEqual(restored.optimizerState, model.optimizerState)
        // Format 1's reader still checks its own layout.
        XCTAssertThrowsError(try ModelSnapshot(bytes: old + [0, 0, 0, 0])) {
            XCTAssertEqual($0 as? ModelError, ModelError("the saved model has 4 unexpected bytes at its end"))
        }
    }

    /// Buffers travel in format 2 after the optimizer's values, and a snapshot whose buffers do not
    /// fit its definition is refused with what does not fit.
    func testBuffersAreSavedAndChecked() throws {
        var snapshot = try trainedModel().snapshot()
        snapshot.buffers = [.init(name: "running_mean", shape: [2], values: [0.5, -1.5])]
        let bytes = try snapshot.bytes()
        XCTAssertEqual(try ModelSnapshot(bytes: bytes), snapshot)
        XCTAssertThrowsError(try ModelSnapshot(bytes: Array(bytes.dropLast(4)))) {
            XCTAssertEqual($0 as? ModelError, ModelError("the saved model is truncated (values)"))
        }
        XCTAssertThrowsError(try Autoencoder(snapshot: snapshot)) {
            XCTAssertEqual(
                $0 as? ModelError, ModelError("the saved model has 1 buffers but its definition needs 0"))
        }
    }

    /// A made-up older format 0 before today's format 1: all JSON, floats inline, without the
    /// training generator's state (a format 0 model restarts its generator from its seed).
    struct SnapshotV0: Codable {
        var formatVersion = 0
        var specs: [LayerSpec]
        var inputShape: [Int]
        var seed: UInt64
        var parameters: [ModelSnapshot.ParameterValues]
        var optimizer: OptimizerState?
        var history: [EpochRecord]
        var epochsTrained: Int
        var stepsTrained: Int

        init(_ s: ModelSnapshot) {
            (specs, inputShape, seed, parameters) = (s.specs, s.inputShape, s.seed, s.parameters)
            (optimizer, history, epochsTrained, stepsTrained) = (
                s.optimizer, s.history, s.epochsTrained, s.stepsTrained
            )
        }

        func bytes() throws -> [UInt8] {
            let json = [UInt8](try JSONEncoder().encode(self))
            return withUnsafeBytes(of: UInt32(json.count).littleEndian) { Array($0) } + json
        }

        static func read(_ bytes: [UInt8]) throws -> SnapshotV0 {
            try JSONDecoder().decode(SnapshotV0.self, from: Data(bytes[try ModelSnapshot.jsonHeader(of: bytes)]))
        }

        /// The one step from format 0 to format 1.
        static func migrated(_ v0: SnapshotV0) throws -> ModelSnapshotV1 {
            ModelSnapshotV1(
                formatVersion: 1, specs: v0.specs, inputShape: v0.inputShape, initializer: "glorot", seed: v0.seed,
                parameters: v0.parameters, optimizer: v0.optimizer, history: v0.history,
                epochsTrained: v0.epochsTrained, stepsTrained: v0.stepsTrained,
                generatorState: SeededGenerator(seed: v0.seed).state)
        }
    }

    func testAnOlderFormatIsMigratedToTheCurrentOne() throws {
        let model = try trainedModel()
        let snapshot = model.snapshot()
        let chain = ModelSnapshot.formats.preceded(by: 0, read: SnapshotV0.read, migrate: SnapshotV0.migrated)
        let old = try SnapshotV0(snapshot).bytes()
        XCTAssertEqual(try ModelSnapshot.version(of: old), 0)

        let migrated = try chain.read(old, version: ModelSnapshot.version(of: old))
        var expected = snapshot
        expected.generatorState = SeededGenerator(seed: snapshot.seed).state
        XCTAssertEqual(migrated, expected)
        let restored = try Autoencoder(snapshot: migrated)
        XCTAssertEqual(restored.parameters.map(\.value), model.parameters.map(\.value))
        XCTAssertEqual(restored.optimizerState, model.optimizerState)

        // Today's format still reads as it is through the longer chain; newer ones are refused.
        let current = try snapshot.bytes()
        XCTAssertEqual(try chain.read(current, version: ModelSnapshot.version(of: current)), snapshot)
        XCTAssertThrowsError(try chain.read(current, version: 3)) {
            XCTAssertEqual($0 as? FormatVersionError, .newer(found: 3, newest: 2))
        }
        // The production chain does not know format 0.
        XCTAssertThrowsError(try ModelSnapshot(bytes: old)) {
            XCTAssertEqual($0 as? FormatVersionError, .unknown(found: 0, oldest: 1, newest: 2))
        }
    }
}
