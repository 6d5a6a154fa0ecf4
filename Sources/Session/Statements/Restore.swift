import Foundation
import Language

/// `restore`, `restore NAME`, `restore list`: brings back what autosave kept of this notebook's
/// last session (a kernel that died, or was restarted).
struct Restore: SessionStatement {
    static let keyword = "restore"

    enum What: Sendable, Equatable {
        case everything
        case list
        case name(Identifier)
    }

    static let what = Slot<What>(
        "NAME|list", expected: "a name to restore, or list", completing: .words(["list"])
    ) { line, expected in
        let name = try line.name(expected)
        return name.value == "list" ? .list : .name(name)
    }
    static let grammar = Grammar(parts: [what.optional])
    static let help = StatementHelp(
        .session,
        """
        brings back the models and datasets of this notebook's last session, as autosave kept them:
        after a kernel died (out of memory, a crash) or was restarted. It says what it restored,
        from when, and at which epoch. A kernel killed during an epoch loses that epoch and no more
        when epochs take longer than 2 seconds (shorter ones are written at most every 2 seconds). A
        model comes back with its weights, optimizer state, loss history, settings and data, so
        `train ae epochs 5` goes on exactly as it would have. Datasets are made again from their
        source (MNIST, IDX files, a part of another dataset). `restore NAME` brings back one name,
        from the last session that had it. `restore list` shows the sessions kept for this notebook.
        A damaged autosave file is skipped, saying why. The first cell run in a new kernel says, in
        one line, when there is something to restore.
        """,
        examples: ["restore", "restore ae", "restore list"])

    let what: What

    static func parse(_ line: inout StatementReader) throws -> Restore {
        Restore(what: line.atEnd ? .everything : try line.read(what))
    }

    func run(_ context: StatementContext) throws -> MimeBundle? {
        guard let autosave = context.autosave else {
            throw Diagnostic(
                "this session keeps nothing on the disk, so there is nothing to restore: autosave and restore are the Jupyter kernel's",
                range: context.range, kind: .value, expected: "a notebook or console on the Latent kernel")
        }
        switch what {
        case .list: return context.restoreList(autosave)
        case .everything: return try context.restoreLast(autosave)
        case .name(let name): return try context.restore(name, autosave)
        }
    }

    /// The one line the first cell of a kernel says when an earlier session of this notebook can
    /// be restored; nil when there is none.
    static func hint(_ autosave: Autosaver) -> String? {
        guard let run = autosave.previousRuns().first(where: { $0.manifest.map { !$0.isEmpty } ?? false }),
            let manifest = run.manifest
        else { return nil }
        let shown = manifest.names.prefix(4).map(\.shortText).joined(separator: ", ")
        let more = manifest.names.count > 4 ? " and \(manifest.names.count - 4) more" : ""
        return "(an earlier session of this \(manifest.notebook == nil ? "kernel" : "notebook"), "
            + "\(SessionTime.when(run.updated)), has \(shown)\(more): `restore` brings it back)"
    }
}

extension SessionManifest.Name {
    /// `ae (4 epochs)` or `data`.
    var shortText: String {
        guard kind == .model else { return name }
        return "\(name) (\(learnerNumber(epochs ?? 0)) epochs)"
    }
}

extension StatementContext {
    /// `restore`: every name of the last session that kept any, in its order, and its seed.
    fileprivate func restoreLast(_ autosave: Autosaver) throws -> MimeBundle? {
        let runs = autosave.previousRuns()
        var skipped = [String]()
        for run in runs {
            guard let manifest = run.manifest else {
                if let damage = run.damage {
                    skipped.append("(the session of \(SessionTime.when(run.updated)) is skipped: \(damage))")
                }
                continue
            }
            guard !manifest.isEmpty else { continue }
            for line in skipped { say(line) }
            var lines = [String]()
            var cache = [DataSource: DataValue]()
            var restored = 0
            for name in manifest.names {
                let (line, ok) = restoreName(name, from: run, cache: &cache)
                lines.append("  " + line)
                if ok { restored += 1 }
            }
            guard restored > 0 else {
                throw Diagnostic(
                    "nothing of the session of \(SessionTime.when(run.updated)) could be restored",
                    range: range, kind: .file, notes: lines.map { $0.trimmingCharacters(in: .whitespaces) })
            }
            seed = manifest.seed
            say(
                "restored the session of \(SessionTime.when(run.updated))"
                    + (manifest.notebook.map { " (notebook \($0))" } ?? "") + ":")
            for line in lines { say(line) }
            if manifest.seed != 0 { say("  seed \(manifest.seed)") }
            return nil
        }
        throw nothingToRestore(autosave, skipped: skipped)
    }

    /// `restore NAME`: that name, from the last session that had it.
    fileprivate func restore(_ name: Identifier, _ autosave: Autosaver) throws -> MimeBundle? {
        let runs = autosave.previousRuns()
        for run in runs {
            guard let manifest = run.manifest, let kept = manifest.names.first(where: { $0.name == name.value }) else {
                continue
            }
            var cache = [DataSource: DataValue]()
            let (line, ok) = restoreName(kept, from: run, cache: &cache)
            guard ok else {
                throw Diagnostic(
                    "\(name.value) cannot be restored from the session of \(SessionTime.when(run.updated))",
                    range: name.range, kind: .file, notes: [line])
            }
            say("restored from the session of \(SessionTime.when(run.updated)): \(line)")
            return nil
        }
        let known = Set(runs.compactMap(\.manifest).flatMap { $0.names.map(\.name) }).sorted()
        guard !known.isEmpty else { throw nothingToRestore(autosave, skipped: []) }
        throw Diagnostic(
            "no earlier session of this notebook has '\(name.value)'", range: name.range, kind: .name,
            expected: "a name they kept: " + known.joined(separator: ", "),
            suggestion: Suggestion.nearest(to: name.value, in: known))
    }

    /// `restore list`: the sessions kept for this notebook, newest first.
    fileprivate func restoreList(_ autosave: Autosaver) -> MimeBundle? {
        let runs = autosave.previousRuns().filter { $0.manifest.map { !$0.isEmpty } ?? ($0.damage != nil) }
        guard !runs.isEmpty else {
            return MimeBundle(
                text:
                    "nothing to restore: no earlier session of this \(autosave.location.notebook == nil ? "kernel" : "notebook") in \(autosave.location.keyFolder)"
            )
        }
        var rows = [[String]]()
        for (i, run) in runs.enumerated() {
            let what =
                run.manifest.map { $0.names.map(\.shortText).joined(separator: ", ") } ?? "damaged: \(run.damage ?? "")"
            rows.append([SessionTime.when(run.updated), what, i == 0 ? "restore takes this one" : ""])
        }
        let table = Table(
            title: "sessions kept for " + (autosave.location.notebook.map { "notebook \($0)" } ?? "this kernel"),
            columns: [("last written", .left), ("names", .left), ("", .left)], rows: rows)
        return table.bundle
    }

    private func nothingToRestore(_ autosave: Autosaver, skipped: [String]) -> Diagnostic {
        let what = autosave.location.notebook.map { "notebook (\($0))" } ?? "kernel"
        return Diagnostic(
            "there is no earlier session of this \(what) to restore", range: range, kind: .name,
            expected: "a notebook whose kernel trained or defined something before it stopped",
            notes: skipped + ["sessions are kept in \(autosave.location.keyFolder)"])
    }

    /// Brings one kept name back into the session: a dataset made again from its source, a model
    /// read from its file with its data made again. Returns the line that says what came back (or
    /// why not) and whether it did.
    private func restoreName(_ kept: SessionManifest.Name, from run: SessionRun, cache: inout [DataSource: DataValue])
        -> (String, Bool)
    {
        let id = Identifier(kept.name, range)
        switch kept.kind {
        case .data:
            guard let source = kept.source else {
                return ("\(kept.name): not restored: its source was not kept", false)
            }
            do {
                let data = try makeAgain(source, cache: &cache)
                let note = names.bind(kept.name, to: .data(data), source: source)
                return ("\(kept.name): \(source.description), \(data.sizeText)\(note)", true)
            } catch let d as Diagnostic {
                return ("\(kept.name): not restored: \(source.text) cannot be made again: \(d.message)", false)
            } catch {
                return ("\(kept.name): not restored: \(error)", false)
            }
        case .model:
            let file = run.folder + "/" + (kept.file ?? AutosaveLocation.fileName(model: kept.name))
            let entry: ModelEntry, header: SavedModel.Header
            do {
                (entry, header) = try readModel(
                    file, as: id, shownAs: file, at: range, expected: "an autosave file that is not damaged")
            } catch let d as Diagnostic {
                return ("\(kept.name): not restored: its autosave is unusable: \(d.message)", false)
            } catch {
                return ("\(kept.name): not restored: \(error)", false)
            }
            var line = "\(kept.name): \(entry.kindText), "
            line += header.epochsTrained > 0 ? "trained \(learnerNumber(header.epochsTrained)) epochs" : "untrained"
            if let dataName = header.trainedOnName { line += " on \(dataName)" }
            if header.epochsTrained > 0 { line += " (\(header.settings.text))" }
            if let loss = entry.lastLoss { line += ", last loss \(formatLoss(Float(loss)))" }
            if let saved = kept.saved {
                line += "; autosaved at \(SessionTime.clock(Date(timeIntervalSince1970: saved)))"
            }
            if let source = header.trainedOn {
                do {
                    entry.trainedOn = try makeAgain(source, cache: &cache)
                    entry.trainedOnSource = source
                } catch let d as Diagnostic {
                    line += "; its data (\(source.text)) cannot be made again (\(d.message)): train it with on DATA"
                } catch {
                    line += "; its data cannot be made again: train it with on DATA"
                }
            }
            line += names.bind(kept.name, to: .model(entry))
            return (line, true)
        }
    }
}
