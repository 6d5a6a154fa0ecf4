import Language
import Neural

extension StatementContext {
    /// `model NAME:` with its layers: defines (or replaces) a model. It is built when it first
    /// meets data.
    func defineModel(_ syntax: ModelSyntax) throws -> MimeBundle? {
        let entry = ModelEntry(
            name: syntax.name.value, specs: try syntax.layers.map(SpecConversion.spec),
            layerRanges: syntax.layers.map(\.range),
            headerRange: syntax.headerRange, seed: seed,
            initializer: syntax.initializer, cell: cellNumber)
        var message = "model \(entry.name): \(entry.specs.count) layers, \(entry.latentSize)-d code"
        if syntax.initializer != .glorotUniform { message += ", init \(syntax.initializer.rawValue)" }
        message += names.bind(entry.name, to: .model(entry))
        say(message)
        return nil
    }
}
