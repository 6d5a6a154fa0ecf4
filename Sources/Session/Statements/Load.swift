import Language
import Neural

/// `load NAME "file"`: a saved model under NAME.
struct Load: SessionStatement {
    static let keyword = "load"
    static let name = Slot.name("NAME", "a name for the loaded model")
    static let path = Slot.text("\"file\"", "a file name in quotes, e.g. \"ae.model\"")
    static let grammar = Grammar(parts: [name, path])
    static let help = StatementHelp(
        .session,
        """
        a saved model under NAME. A missing, truncated, corrupt or foreign file is
        named as such, a file from a newer Latent says to update, and the session stays as it was. The
        data a model trained on is not saved: the first `train` after a `load` needs `on DATA`.
        """)

    let name: Identifier
    let path: Located<String>

    static func parse(_ line: inout StatementReader) throws -> Load {
        let name = try line.read(name)
        return Load(name: name, path: try line.read(path))
    }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.load(name, from: path) }
}

extension StatementContext {
    /// `load NAME "file"`: everything is checked before the session changes.
    fileprivate func load(_ name: Identifier, from path: Located<String>) throws -> MimeBundle? {
        let (entry, h) = try readModel(
            resolvedPath(path.value), as: name, shownAs: path.value, at: path.range,
            expected: "a file written by save, e.g. save ae \"ae.model\"")
        var message = "loaded \(name.value) from \(path.value): \(h.specs.count) layers"
        message += h.epochsTrained > 0 ? ", trained \(learnerNumber(h.epochsTrained)) epochs" : ", untrained"
        if let loss = entry.lastLoss { message += ", last loss \(learnerNumber(loss))" }
        message += names.bind(name.value, to: .model(entry))
        say(message)
        return nil
    }

    /// A model file read and checked into a model named `name` (not yet bound), with its header.
    /// `shownAs` is the file as messages name it; `expected` what a damaged file's message asks for.
    func readModel(_ full: String, as name: Identifier, shownAs: String, at range: SourceRange, expected: String)
        throws -> (ModelEntry, SavedModel.Header)
    {
        let saved: SavedModel
        var network: Autoencoder?
        do {
            let file = try ModelFile.read(full)
            saved = try SavedModel.read(file.payload, version: file.version)
            if let snapshot = saved.snapshot { network = try Autoencoder(snapshot: snapshot) }
        } catch let problem as ModelFile.Problem {
            throw Diagnostic("\(problem)", range: range, kind: .file, expected: expected)
        } catch let version as FormatVersionError {
            throw Diagnostic(
                "\"\(full)\" cannot be loaded: \(version)", range: range, kind: .file,
                expected: "a file written by this or an older Latent")
        } catch {
            throw Diagnostic("\"\(shownAs)\" is damaged: \(error)", range: range, kind: .file, expected: expected)
        }
        let h = saved.header
        guard let initializer = Initializer(rawValue: h.initializer ?? Initializer.glorotUniform.rawValue) else {
            throw Diagnostic(
                "\"\(shownAs)\" names an initialisation this Latent does not know: \(h.initializer ?? "")",
                range: range, kind: .file, expected: "a file written by this or an older Latent")
        }
        let entry = ModelEntry(
            name: name.value, specs: h.specs, layerRanges: [], headerRange: name.range, seed: h.seed,
            initializer: network?.initializer ?? initializer, cell: cellNumber)
        entry.network = network
        entry.settings = h.settings
        entry.epochsTrained = h.epochsTrained
        entry.trainedOnName = h.trainedOnName
        return (entry, h)
    }
}
