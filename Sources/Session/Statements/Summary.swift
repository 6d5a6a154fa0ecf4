import Language
import Neural

/// `summary MODEL`: layers, output shapes, parameters and totals.
struct Summary: SessionStatement {
    static let keyword = "summary"
    static let model = Slot.model()
    static let grammar = Grammar(parts: [model])
    static let help = StatementHelp(
        .models,
        """
        a table of the layers with their output shapes and parameter counts, and the
        totals.
        """)

    let model: Identifier

    static func parse(_ line: inout StatementReader) throws -> Summary { Summary(model: try line.read(model)) }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.summary(model) }
}

extension StatementContext {
    /// `summary MODEL`: layers, output shapes, parameters and totals.
    fileprivate func summary(_ name: Identifier) throws -> MimeBundle {
        let entry = try lookUpModel(name)
        let network =
            try entry.network
            ?? entry.build(for: ModelEntry.assumedInput, cell: cellNumber, statement: name.range, memory: memory)
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
