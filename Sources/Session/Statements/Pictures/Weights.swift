import Language
import Neural

/// `weights MODEL`: the first layer's filters as images.
struct Weights: SessionStatement {
    static let keyword = "weights"
    static let model = Slot.model()
    static let grammar = Grammar(parts: [model])
    static let help = StatementHelp(.pictures, "the first layer's filters (or dense weights) drawn as images.")

    let model: Identifier

    static func parse(_ line: inout StatementReader) throws -> Weights { Weights(model: try line.read(model)) }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.weights(model) }
}

extension StatementContext {
    /// `weights MODEL`: the first layer's filters as images, each scaled so mid-grey is zero,
    /// white its largest positive and black its largest negative weight. Dense layers show each
    /// unit's input weights in the shape of the input image; convolutions show each kernel.
    fileprivate func weights(_ model: Identifier) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        let network = try pictureNetwork(entry, for: nil, named: "its data", at: model.range)
        guard let weight = network.layers.lazy.compactMap({ $0.parameters.first }).first?.value else {
            throw Diagnostic("\(entry.name) has no weights to draw", range: model.range, kind: .value)
        }
        let shape = network.inputShape
        let filters: Int
        let height: Int
        let width: Int
        var pixels = [Float]()
        if weight.shape.count == 2 {
            // Dense: (inputs, units); unit u's weights are column u, over the input pixels.
            let inputs = weight.shape[0]
            filters = weight.shape[1]
            let channels = shape.count > 2 ? shape[2] : 1
            guard shape.count >= 2, inputs == shape[0] * shape[1] * channels else {
                throw Diagnostic(
                    "the first layer of \(entry.name) does not see the image directly", range: model.range, kind: .value
                )
            }
            (height, width) = (shape[0], shape[1])
            for u in 0..<min(filters, Self.gridLimit) {
                for p in 0..<(height * width) {
                    var s: Float = 0
                    for c in 0..<channels { s += weight.data[(p * channels + c) * filters + u] }
                    pixels.append(s / Float(channels))
                }
            }
        } else if weight.shape.count == 4 {
            // Convolution: (kernel, kernel, input channels, filters), channels averaged.
            (height, width) = (weight.shape[0], weight.shape[1])
            let channels = weight.shape[2]
            filters = weight.shape[3]
            for f in 0..<min(filters, Self.gridLimit) {
                for p in 0..<(height * width) {
                    var s: Float = 0
                    for c in 0..<channels { s += weight.data[(p * channels + c) * filters + f] }
                    pixels.append(s / Float(channels))
                }
            }
        } else {
            throw Diagnostic(
                "the first layer of \(entry.name) has weights of shape \(weight.shape)", range: model.range,
                kind: .value)
        }
        let shown = min(filters, Self.gridLimit)
        let size = height * width
        for f in 0..<shown {
            let range = (f * size)..<((f + 1) * size)
            let largest = max(pixels[range].map(abs).max() ?? 0, 1e-12)
            for p in range { pixels[p] = 0.5 + 0.5 * pixels[p] / largest }
        }
        let note = filters > shown ? " (the first \(shown))" : ""
        return try gridBundle(
            pixels, count: shown, height: height, width: width,
            summary:
                "weights \(entry.name): \(filters) filters of \(height)x\(width)\(note) from its first layer\(entry.network == nil ? " (untrained: initial weights)" : ""); mid-grey is 0, white positive, black negative",
            at: model.range)
    }
}
