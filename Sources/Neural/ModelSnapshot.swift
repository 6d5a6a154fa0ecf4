import Support

/// Everything needed to rebuild a trained model: its definition, input shape, parameters,
/// optimizer state, buffers (state saved but not trained, such as running statistics),
/// training generator, history and counters. Codable; `bytes()` and
/// `init(bytes:)` give a compact form (a JSON header followed by raw little-endian floats)
/// that the session wraps in its own file header and checksum.
public struct ModelSnapshot: Codable, Equatable, Sendable {
    /// The format `bytes()` writes: bumped when the layout of a snapshot changes, with a step
    /// from the old format to the new one in `formats` (ModelSnapshot+Bytes.swift).
    /// Format 2 added `buffers`; format 1 is read by `ModelSnapshotV1` and migrated.
    public static let formatVersion = 2

    public struct ParameterValues: Codable, Equatable, Sendable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]
    }

    public var formatVersion: Int
    public var specs: [LayerSpec]
    public var inputShape: [Int]
    public var initializer: String
    public var seed: UInt64
    public var parameters: [ParameterValues]
    public var optimizer: OptimizerState?
    /// Every layer's buffers, in the order of `Autoencoder.buffers` (none for most models).
    public var buffers: [ParameterValues]
    public var history: [EpochRecord]
    public var epochsTrained: Int
    public var stepsTrained: Int
    public var generatorState: [UInt64]
}

extension Autoencoder {
    /// A copy of the model's state for saving.
    public func snapshot() -> ModelSnapshot {
        ModelSnapshot(
            formatVersion: ModelSnapshot.formatVersion, specs: specs, inputShape: inputShape,
            initializer: initializer.rawValue, seed: seed,
            parameters: parameters.map { .init(name: $0.name, shape: $0.value.shape, values: $0.value.data) },
            optimizer: optimizerState,
            buffers: buffers.map { .init(name: $0.name, shape: $0.value.shape, values: $0.value.data) },
            history: history, epochsTrained: epochsTrained, stepsTrained: stepsTrained,
            generatorState: trainingRNG.state)
    }

    /// Rebuilds a model from a snapshot; throws `ModelError` naming what does not fit.
    public convenience init(snapshot: ModelSnapshot) throws {
        guard snapshot.formatVersion == ModelSnapshot.formatVersion else {
            throw ModelError(
                "this model was saved in format \(snapshot.formatVersion); this build reads format \(ModelSnapshot.formatVersion)"
            )
        }
        guard let initializer = Initializer(rawValue: snapshot.initializer) else {
            throw ModelError("unknown initializer '\(snapshot.initializer)' in the saved model")
        }
        try self.init(
            specs: snapshot.specs, inputShape: snapshot.inputShape, initializer: initializer, seed: snapshot.seed)
        let parameters = self.parameters
        guard parameters.count == snapshot.parameters.count else {
            throw ModelError(
                "the saved model has \(snapshot.parameters.count) parameter tensors but its definition needs \(parameters.count)"
            )
        }
        for (index, (parameter, saved)) in zip(parameters, snapshot.parameters).enumerated() {
            guard parameter.value.shape == saved.shape, saved.values.count == parameter.value.count else {
                throw ModelError(
                    "saved parameter \(index + 1) (\(saved.name)) is \(Tensor.describe(saved.shape)) but the model needs \(Tensor.describe(parameter.value.shape))"
                )
            }
        }
        let buffers = self.buffers
        guard buffers.count == snapshot.buffers.count else {
            throw ModelError(
                "the saved model has \(snapshot.buffers.count) buffers but its definition needs \(buffers.count)")
        }
        for (index, (buffer, saved)) in zip(buffers, snapshot.buffers).enumerated() {
            guard buffer.value.shape == saved.shape, saved.values.count == buffer.value.count else {
                throw ModelError(
                    "saved buffer \(index + 1) (\(saved.name)) is \(Tensor.describe(saved.shape)) but the model needs \(Tensor.describe(buffer.value.shape))"
                )
            }
        }
        if let optimizer = snapshot.optimizer, !optimizer.fits(parameters) {
            throw ModelError("the saved optimizer state does not fit the model's parameters")
        }
        guard let generator = SeededGenerator(state: snapshot.generatorState) else {
            throw ModelError("the saved generator state is damaged")
        }
        for (parameter, saved) in zip(parameters, snapshot.parameters) { parameter.value.data = saved.values }
        for (buffer, saved) in zip(buffers, snapshot.buffers) { buffer.value.data = saved.values }
        optimizerState = snapshot.optimizer
        history = snapshot.history
        epochsTrained = snapshot.epochsTrained
        stepsTrained = snapshot.stepsTrained
        trainingRNG = generator
    }
}
