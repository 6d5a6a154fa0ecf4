import Foundation
import Support

/// A snapshot as format 1 holds it (Latent 0.1.0): `ModelSnapshot` before layers had buffers.
/// Frozen: it reads the bytes of format 1 and takes one step to format 2. Its specs are read with
/// today's `LayerSpec`, whose saved form has kept every kind's keys since format 1.
public struct ModelSnapshotV1: Codable, Equatable, Sendable {
    public var formatVersion: Int
    public var specs: [LayerSpec]
    public var inputShape: [Int]
    public var initializer: String
    public var seed: UInt64
    public var parameters: [ModelSnapshot.ParameterValues]
    public var optimizer: OptimizerState?
    public var history: [EpochRecord]
    public var epochsTrained: Int
    public var stepsTrained: Int
    public var generatorState: [UInt64]

    /// Format 1's layout: the 4-byte header length, the JSON header with its float arrays left
    /// empty, every parameter's values, then every optimizer buffer, as raw little-endian float32.
    public static func read(_ bytes: [UInt8]) throws -> ModelSnapshotV1 {
        let header = try ModelSnapshot.jsonHeader(of: bytes)
        var snapshot: ModelSnapshotV1
        do {
            snapshot = try JSONDecoder().decode(ModelSnapshotV1.self, from: Data(bytes[header]))
        } catch {
            throw ModelError("the saved model's header cannot be read: \(error)")
        }
        var floats = SavedFloats(bytes, from: header.upperBound)
        try floats.takeValues(of: &snapshot.parameters, optimizer: &snapshot.optimizer)
        try floats.expectEnd()
        return snapshot
    }

    /// The one step from format 1 to format 2: no layer of format 1 had buffers.
    public static func migrated(_ v1: ModelSnapshotV1) throws -> ModelSnapshot {
        ModelSnapshot(
            formatVersion: 2, specs: v1.specs, inputShape: v1.inputShape, initializer: v1.initializer, seed: v1.seed,
            parameters: v1.parameters, optimizer: v1.optimizer, buffers: [], history: v1.history,
            epochsTrained: v1.epochsTrained, stepsTrained: v1.stepsTrained, generatorState: v1.generatorState)
    }
}
