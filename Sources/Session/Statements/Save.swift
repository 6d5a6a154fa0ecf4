import Language
import Neural

/// `save MODEL "file"`: the model into a file, atomically.
struct Save: SessionStatement {
    static let keyword = "save"
    static let model = Slot.model()
    static let path = Slot.text("\"file\"", "a file name in quotes, e.g. \"ae.model\"")
    static let grammar = Grammar(parts: [model, path])
    static let help = StatementHelp(
        .session,
        """
        the model (definition, weights, optimizer state, settings, loss history)
        into a file, written atomically (a temporary file, then renamed). The format is versioned and
        carries a checksum: a model saved by an older Latent loads in a newer one.
        """)

    let model: Identifier
    let path: Located<String>

    static func parse(_ line: inout StatementReader) throws -> Save {
        let model = try line.read(model)
        return Save(model: model, path: try line.read(path))
    }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.save(model, to: path) }
}

extension StatementContext {
    /// `save MODEL "file"`: atomic, versioned, checksummed.
    fileprivate func save(_ model: Identifier, to path: Located<String>) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        let full = resolvedPath(path.value)
        do {
            let payload = try entry.saved(network: entry.network).bytes()
            let bytes = ModelFile.encode(payload)
            try ModelFile.writeAtomically(bytes, to: full)
            say("saved \(entry.name) to \(path.value)")
        } catch let problem as ModelFile.Problem {
            throw Diagnostic("\(problem)", range: path.range, kind: .file, expected: "a path in a writable folder")
        } catch {
            throw Diagnostic("\(entry.name) cannot be saved: \(error)", range: path.range, kind: .file)
        }
        return nil
    }
}
