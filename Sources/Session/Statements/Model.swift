import Language
import Neural

extension LessonSession {
    /// `model NAME:` with its layers: defines (or replaces) a model. It is built when it first
    /// meets data.
    func defineModel(_ syntax: ModelSyntax, _ context: StatementContext) throws -> MimeBundle? {
        let entry = ModelEntry(
            name: syntax.name.value, specs: try syntax.layers.map(SpecConversion.spec),
            layerRanges: syntax.layers.map(\.range),
            headerRange: syntax.headerRange, seed: seed,
            initializer: syntax.initializer, cell: cellNumber)
        var message = "model \(entry.name): \(entry.specs.count) layers, \(entry.latentSize)-d code"
        if syntax.initializer != .glorotUniform { message += ", init \(syntax.initializer.rawValue)" }
        message += names.bind(entry.name, to: .model(entry))
        context.say(message)
        return nil
    }

    /// `summary MODEL`: layers, output shapes, parameters and totals.
    func summary(_ name: Identifier) throws -> MimeBundle {
        let entry = try lookUpModel(name)
        let network =
            try entry.network ?? entry.build(for: ModelEntry.assumedInput, cell: cellNumber, statement: name.range)
        let s = network.summary()
        let rows = s.rows.map { row -> [String] in
            [row.description, Tensor.describe(row.outputShape), grouped(row.parameters), row.part.rawValue]
        }
        let note = entry.network == nil ? " (for 28x28x1 inputs, until it meets data)" : ""
        let table = Table(
            title:
                "\(entry.name): \(s.isVariational ? "variational " : "")autoencoder, init \(entry.initializer.rawValue)\(note)",
            columns: [("layer", .left), ("output shape", .left), ("parameters", .right), ("part", .left)],
            rows: rows,
            footer: [["total", "code \(s.latentSize)", grouped(s.totalParameters), ""]])
        return table.bundle
    }
}
