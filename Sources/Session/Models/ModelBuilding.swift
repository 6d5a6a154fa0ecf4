import Language
import Neural

extension ModelEntry {
    /// The network for images of `shape`: the one already built (if it fits), or a new one.
    /// Shapes are checked layer by layer first so that a mismatch points at its line.
    func network(
        for shape: [Int], dataName: String, at range: SourceRange, cell current: Int, memory: MemoryBudget
    ) throws -> Autoencoder {
        if let network {
            guard network.inputShape.reduce(1, *) == shape.reduce(1, *) else {
                throw Diagnostic(
                    "\(name) was built for \(Tensor.describe(network.inputShape)) images but \(dataName) holds \(Tensor.describe(shape)) images",
                    range: range, kind: .shape,
                    expected: "data of the size it first met (or define the model again)")
            }
            return network
        }
        return try build(for: shape, cell: current, statement: range, memory: memory)
    }

    /// Builds for `shape`. A layer that does not fit is pointed at when it was written in the
    /// current cell; otherwise the statement is, with the layer quoted.
    func build(for shape: [Int], cell current: Int, statement: SourceRange, memory: MemoryBudget) throws
        -> Autoencoder
    {
        func place(_ index: Int?) -> (SourceRange, [String]) {
            guard current != cell || layerRanges.isEmpty else {
                return (index.map { $0 < layerRanges.count ? layerRanges[$0] : headerRange } ?? headerRange, [])
            }
            guard let index, index < specs.count else { return (statement, []) }
            return (statement, ["in the definition of \(name), layer \(index + 1): \(specs[index].text)"])
        }
        let parameters = try weigh(for: shape, place: place).total
        // Each value is held with its gradient and up to two optimizer buffers (Adam's).
        try memory.check(
            parameters * 16, for: "\(name) (\(grouped(parameters)) values, with their gradients and optimizer state)",
            at: place(nil).0, instead: "smaller layers, or fewer of them")
        do {
            return try Autoencoder(specs: specs, inputShape: shape, initializer: initializer, seed: seed)
        } catch {
            throw Diagnostic("\(name) cannot be built: \(error)", range: place(nil).0, kind: .shape)
        }
    }

    /// The engine's walk, without building anything: each layer is weighed before a model of
    /// that size would be allocated, and a layer that does not fit, or is beyond the kernel's
    /// limits, is refused at the place `place` gives for it. Returns the trainable values and
    /// those with the buffers (running statistics), which take memory too.
    func weigh(for shape: [Int], place: (Int?) -> (SourceRange, [String])) throws -> (trainable: Int, total: Int) {
        var walk = LayerWalk(inputShape: shape)
        var parameters = 0, trainable = 0
        for (index, spec) in specs.enumerated() {
            let (range, notes) = place(index)
            do {
                let input = walk.shape
                for layer in try spec.makeLayers() {
                    let output = try walk.pass(layer, spec: index)
                    guard let values = ModelLimits.product(output), values <= ModelLimits.valuesPerSample else {
                        throw Diagnostic(
                            "this layer's output (\(Tensor.describe(output))) is too large for this kernel",
                            range: range,
                            kind: .value, expected: "at most \(grouped(ModelLimits.valuesPerSample)) values per image",
                            notes: notes)
                    }
                }
                // Buffers (running statistics) take memory too, though no training.
                let count = ModelLimits.parameters(of: spec, input: input) ?? Int.max / 2
                trainable += count
                parameters += count
                parameters += spec.bufferCount(input: input) ?? Int.max / 2
                guard parameters <= ModelLimits.parameters else {
                    throw Diagnostic(
                        "\(name) would need more than \(grouped(ModelLimits.parameters)) parameters by this layer",
                        range: range, kind: .value, expected: "smaller layers", notes: notes)
                }
            } catch let d as Diagnostic {
                throw d
            } catch let e as ShapeError {
                throw Diagnostic(
                    "this layer does not fit: \(e.message)", range: range, kind: .shape,
                    expected: "a layer that takes \(Tensor.describe(walk.shape)) (the output of the layer above)",
                    notes: notes)
            } catch {
                throw Diagnostic("this layer cannot be built: \(error)", range: range, kind: .shape, notes: notes)
            }
        }
        if let mismatch = walk.outputMismatch {
            let (range, notes) = place(specs.count - 1)
            let inputCount = shape.reduce(1, *)
            throw Diagnostic(
                mismatch, range: range, kind: .shape,
                expected: "a last layer with \(inputCount) values, e.g. dense \(inputCount) sigmoid", notes: notes)
        }
        return (trainable, parameters)
    }
}

/// Sizes beyond which a model would exhaust the machine's memory: refused with a message
/// rather than crashing the kernel.
enum ModelLimits {
    static let parameters = 50_000_000
    static let valuesPerSample = 250_000
    /// The widest layer's output times the batch size.
    static let valuesPerBatch = 100_000_000

    /// The product of sizes, or nil when it overflows.
    static func product(_ sizes: [Int]) -> Int? { LayerCount.product(sizes) }

    /// Trainable values a layer will hold for a per-sample `input` (nil on overflow), as its kind
    /// counts them.
    static func parameters(of spec: LayerSpec, input: [Int]) -> Int? { spec.parameterCount(input: input) }
}
