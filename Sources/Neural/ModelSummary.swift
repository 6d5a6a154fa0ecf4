/// A model's table: each layer with its output shape and parameter count, and the totals.
public struct ModelSummary: Sendable {
    public enum Part: String, Sendable { case input, encoder, latent, decoder }

    public struct Row: Sendable {
        public var description: String
        /// Per-sample output shape.
        public var outputShape: [Int]
        public var parameters: Int
        public var part: Part
    }

    public var rows: [Row]
    public var totalParameters: Int
    public var latentSize: Int
    public var isVariational: Bool

    /// A plain-text table (the session renders its own HTML from `rows`).
    public var text: String {
        let header = ("layer", "output shape", "parameters")
        let cells = rows.map { ($0.description, Tensor.describe($0.outputShape), String($0.parameters)) }
        let w0 = max(header.0.count, cells.map(\.0.count).max() ?? 0)
        let w1 = max(header.1.count, cells.map(\.1.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: w - s.count) }
        var lines = ["\(pad(header.0, w0))  \(pad(header.1, w1))  \(header.2)"]
        lines += cells.map { "\(pad($0.0, w0))  \(pad($0.1, w1))  \($0.2)" }
        lines.append("total parameters: \(totalParameters)")
        return lines.joined(separator: "\n")
    }
}

extension Autoencoder {
    /// One row for the input and one per layer (dropout and sparsity rows included).
    public func summary() -> ModelSummary {
        var rows = [ModelSummary.Row(description: "input", outputShape: inputShape, parameters: 0, part: .input)]
        for (index, layer) in layers.enumerated() {
            let part: ModelSummary.Part =
                index < encoderEnd ? .encoder : (index < latentEnd ? .latent : .decoder)
            let isLast = index == layers.count - 1
            rows.append(
                ModelSummary.Row(
                    description: layer.description,
                    // The last layer's output is shown reshaped to the input's shape, as the model returns it.
                    outputShape: isLast ? inputShape : layerOutputShapes[index],
                    parameters: layer.parameters.reduce(0) { $0 + $1.value.count }, part: part))
        }
        return ModelSummary(
            rows: rows, totalParameters: parameterCount, latentSize: latentSize, isVariational: isVariational)
    }
}
