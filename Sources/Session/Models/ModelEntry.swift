import Language
import Neural

/// A model in the session: its definition, and once it has met data, the engine's network
/// (weights, optimizer state, loss history), with the training settings that stick to it.
final class ModelEntry {
    let name: String
    let specs: [LayerSpec]
    /// Where each spec was written (for carets under a layer that does not fit).
    let layerRanges: [SourceRange]
    let headerRange: SourceRange
    /// The session's seed when the model was defined: its initial weights come from it.
    let seed: UInt64
    /// How its first weights are drawn (`model NAME init SCHEME:`).
    let initializer: Initializer
    /// The cell that defined it: its layer ranges point into that cell's source only.
    let cell: Int
    var network: Autoencoder?
    var settings = TrainSettings()
    /// The data of the last `train`, and the name it was written as.
    var trainedOn: DataValue?
    var trainedOnName: String?
    /// How that data was made (for autosave and `restore`).
    var trainedOnSource: DataSource?
    /// Epochs trained, a part-epoch counting as the fraction of its batches.
    var epochsTrained: Double = 0
    /// For `progress`: fixed digits (the first test images of the first training data) and
    /// their reconstructions before training and after every epoch.
    var progress = ProgressRecord()
    /// Batch losses and how the last `train` ended, for `why`.
    var training = TrainingTrace()

    init(
        name: String, specs: [LayerSpec], layerRanges: [SourceRange], headerRange: SourceRange, seed: UInt64,
        initializer: Initializer = .glorotUniform, cell: Int
    ) {
        self.cell = cell
        self.initializer = initializer
        self.name = name
        self.specs = specs
        self.layerRanges = layerRanges
        self.headerRange = headerRange
        self.seed = seed
    }

    var isVariational: Bool {
        specs.contains { ($0.declaration as? LatentLine)?.kind == .gaussian }
    }

    var latentSize: Int {
        specs.lazy.compactMap(\.declaration.codeSize).first ?? 0
    }

    var kindText: String {
        let conv = specs.contains { $0.declaration is ConvLine }
        return isVariational ? "model (VAE)" : conv ? "model (conv)" : "model"
    }

    /// Parameters of the built network, or of one built for 28x28x1; nil when it cannot be built.
    var parameterCount: Int? {
        if let network { return network.parameterCount }
        // Weighed as `build` weighs a model, without allocating one; one beyond the kernel's
        // limits cannot be built and has no count.
        return (try? weigh(for: ModelEntry.assumedInput) { _ in (headerRange, []) })?.trainable
    }

    /// The shape summaries assume before a model has met data: MNIST's.
    static let assumedInput = [28, 28, 1]

    /// For `who`: cheap, so an unbuilt model is not built just to count its weights.
    var sizeText: String {
        "\(latentSize)-d code, "
            + (network.map { "\(grouped($0.parameterCount)) parameters" } ?? "not built yet (summary shows its shapes)")
    }

    /// The last test loss, or the last train loss without a test set. An epoch cut short by an
    /// interrupt has no test loss: the last one measured stands, not that part's train loss.
    var lastLoss: Double? {
        guard let history = network?.history, let last = history.last else { return nil }
        if let tested = history.last(where: { $0.testLoss != nil })?.testLoss { return Double(tested) }
        return Double(last.trainLoss)
    }

    /// How its first weights are drawn, for `summary` and its description.
    var initializerText: String {
        switch initializer {
        case .glorotUniform: return "init glorot (Glorot-uniform, zero biases)"
        case .kaimingNormal: return "init kaiming (Kaiming-normal, zero biases)"
        case .pytorchDefault: return "init pytorch (PyTorch's default: uniform ±1/sqrt(fan-in), biases too)"
        }
    }

    func describe() -> MimeBundle {
        let size = parameterCount.map { "\(grouped($0)) parameters" } ?? "does not fit 28x28x1 images"
        var lines = ["model \(name): \(kindText), \(specs.count) layers, \(latentSize)-d code, \(size)"]
        for spec in specs { lines.append("    " + spec.text) }
        lines.append("initial weights: \(initializerText)")
        if let network {
            lines.append("built for \(Tensor.describe(network.inputShape)) inputs")
        } else {
            lines.append("not trained yet: it is built when it first meets data")
        }
        if epochsTrained > 0 {
            var trained = "trained \(learnerNumber(epochsTrained)) epochs"
            if let trainedOnName { trained += " on \(trainedOnName)" }
            trained += " (\(settings.text))"
            if let loss = lastLoss { trained += "; last loss \(learnerNumber(loss))" }
            lines.append(trained)
        }
        return MimeBundle(text: lines.joined(separator: "\n"))
    }
}
