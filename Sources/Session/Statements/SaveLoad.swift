import Language
import Neural

extension LessonSession {
    /// `save MODEL "file"`: atomic, versioned, checksummed.
    func save(_ model: Identifier, to path: Located<String>, _ context: StatementContext) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        let header = SavedModel.Header(
            name: entry.name, specs: entry.specs, seed: entry.seed, initializer: entry.initializer.rawValue,
            settings: entry.settings,
            epochsTrained: entry.epochsTrained, trainedOnName: entry.trainedOnName,
            savedBy: "Latent \(LatentVersion.string)", hasNetwork: entry.network != nil)
        let full = resolvedPath(path.value)
        do {
            let payload = try SavedModel(header: header, snapshot: entry.network?.snapshot()).bytes()
            let bytes = ModelFile.encode(payload)
            try ModelFile.writeAtomically(bytes, to: full)
            context.say("saved \(entry.name) to \(path.value)")
        } catch let problem as ModelFile.Problem {
            throw Diagnostic("\(problem)", range: path.range, kind: .file, expected: "a path in a writable folder")
        } catch {
            throw Diagnostic("\(entry.name) cannot be saved: \(error)", range: path.range, kind: .file)
        }
        return nil
    }

    /// `load NAME "file"`: everything is checked before the session changes.
    func load(_ name: Identifier, from path: Located<String>, _ context: StatementContext) throws -> MimeBundle? {
        let full = resolvedPath(path.value)
        let saved: SavedModel
        var network: Autoencoder?
        do {
            let file = try ModelFile.read(full)
            saved = try SavedModel.read(file.payload, version: file.version)
            if let snapshot = saved.snapshot { network = try Autoencoder(snapshot: snapshot) }
        } catch let problem as ModelFile.Problem {
            throw Diagnostic(
                "\(problem)", range: path.range, kind: .file,
                expected: "a file written by save, e.g. save ae \"ae.model\"")
        } catch let version as FormatVersionError {
            throw Diagnostic(
                "\"\(full)\" cannot be loaded: \(version)", range: path.range, kind: .file,
                expected: "a file written by this or an older Latent")
        } catch {
            throw Diagnostic(
                "\"\(path.value)\" is damaged: \(error)", range: path.range, kind: .file,
                expected: "a file written by save, e.g. save ae \"ae.model\"")
        }
        let h = saved.header
        guard let initializer = Initializer(rawValue: h.initializer ?? Initializer.glorotUniform.rawValue) else {
            throw Diagnostic(
                "\"\(path.value)\" names an initialisation this Latent does not know: \(h.initializer ?? "")",
                range: path.range, kind: .file, expected: "a file written by this or an older Latent")
        }
        let entry = ModelEntry(
            name: name.value, specs: h.specs, layerRanges: [], headerRange: name.range, seed: h.seed,
            initializer: network?.initializer ?? initializer, cell: cellNumber)
        entry.network = network
        entry.settings = h.settings
        entry.epochsTrained = h.epochsTrained
        entry.trainedOnName = h.trainedOnName
        var message = "loaded \(name.value) from \(path.value): \(h.specs.count) layers"
        message += h.epochsTrained > 0 ? ", trained \(learnerNumber(h.epochsTrained)) epochs" : ", untrained"
        if let loss = entry.lastLoss { message += ", last loss \(learnerNumber(loss))" }
        message += names.bind(name.value, to: .model(entry))
        context.say(message)
        return nil
    }
}
