import Foundation
import Language

/// `autosave [on|off] [limit SIZE] [folder "path"]`: how the session keeps itself on the disk
/// for `restore`; alone, what it keeps and where.
struct Autosave: SessionStatement {
    static let keyword = "autosave"

    static let state = Switch.slot
    static let limit = Option(
        "limit",
        Slot<Located<Int>>(
            "SIZE", expected: "a size in megabytes, e.g. 200 MB", completing: .words(sizeUnits), read: readSize),
        meaning:
            "how much all autosaved sessions may take together (`200 MB`, `2 GB`); the oldest are removed first, and a model that does not fit is not autosaved",
        default: "500 MB")
    static let folder = Option(
        "folder", .text("\"path\"", "a folder in quotes, e.g. \"~/latent-sessions\""),
        meaning: "where sessions are kept (made if it does not exist); `restore` looks there too",
        default: "$XDG_DATA_HOME/latent/sessions, else ~/.local/share/latent/sessions")
    static let grammar = Grammar(parts: [state.optional], options: [limit, folder])
    static let help = StatementHelp(
        .session,
        """
        the kernel keeps the session on the disk as it goes, so that a kernel that dies (out of
        memory, a crash, "Restart kernel") loses at most the epoch it was in: `restore` in the next
        kernel brings the rest back. Each model is written after every epoch (at most one write every
        2 seconds, less often when writing is slow, so that it costs at most 2% of training), when
        a `train` ends or is interrupted, and whenever a statement changes it (a definition, `load`,
        `restore`): weights, optimizer state, loss history, training settings, and the data it trained
        on by its source (`mnist train 6000`, the IDX files' paths, `data.train[0:1000]`), never its
        pixels. Datasets are kept by their source too. Writes are atomic: a temporary file, flushed to
        the disk, then renamed. Sessions are kept per notebook (JupyterLab and VS Code tell the kernel
        which one) or else per kernel; sessions unused for 30 days are removed, and the oldest go first
        when all of them would take more than the limit. `autosave` alone says what is kept, where, and
        how much room it takes. The settings last until the kernel stops: a notebook that wants
        another folder says so in its first cell, before `restore`.
        """,
        examples: ["autosave", "autosave off", "autosave on limit 200 MB", "autosave folder \"~/latent-sessions\""])

    static let sizeUnits = ["MB", "GB"]

    let state: Located<Switch>?
    let limit: Located<Int>?
    let folder: Located<String>?

    static func parse(_ line: inout StatementReader) throws -> Autosave {
        let state = try Switch.readIfPresent(&line)
        let options = try line.readOptions()
        return Autosave(state: state, limit: options[limit], folder: options[folder])
    }

    /// `N MB` or `N GB` (MB when no unit is written), in bytes; at least 1 MB.
    static func readSize(_ line: inout StatementReader, _ expected: String) throws -> Located<Int> {
        let number = try line.number(expected, .positive)
        var range = number.range
        var unit = 1_000_000.0
        if let t = line.peek, let w = t.word {
            switch w.uppercased() {
            case "MB":
                line.next()
                range = range.union(t.range)
            case "GB":
                line.next()
                unit = 1_000_000_000
                range = range.union(t.range)
            default:
                if !w.isEmpty, !["limit", "folder"].contains(w) {
                    throw Diagnostic(
                        "'\(w)' is not a unit of size", range: t.range, expected: "MB or GB",
                        suggestion: Suggestion.nearest(to: w, in: sizeUnits))
                }
            }
        }
        let bytes = number.value * unit
        guard bytes >= 1_000_000, bytes <= 1e15 else {
            throw Diagnostic(
                "\(numberAsWritten(number.value)) \(unit == 1_000_000 ? "MB" : "GB") is not a size autosave can keep to",
                range: range, kind: .value, expected: "at least 1 MB")
        }
        return Located(Int(bytes), range)
    }

    func run(_ context: StatementContext) throws -> MimeBundle? { try context.autosave(self) }
}

extension StatementContext {
    /// `autosave ...`: changes what was given, then says what autosave does now.
    fileprivate func autosave(_ statement: Autosave) throws -> MimeBundle? {
        guard let autosave else {
            throw Diagnostic(
                "this session is not kept on the disk: autosave and restore are the Jupyter kernel's",
                range: range, kind: .value, expected: "a notebook or console on the Latent kernel")
        }
        var said = [String]()
        if let folder = statement.folder {
            let path = resolvedPath(folder.value)
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                guard FileManager.default.isWritableFile(atPath: path) else {
                    throw CocoaError(.fileWriteNoPermission)
                }
            } catch {
                throw Diagnostic(
                    "autosave cannot keep sessions in \"\(folder.value)\": \(error.localizedDescription)",
                    range: folder.range, kind: .file, expected: "a folder this kernel can write to")
            }
            autosave.move(to: path)
            said.append("autosave folder: \(path)")
        }
        if let limit = statement.limit {
            autosave.setLimit(limit.value)
            said.append("autosave limit: \(Autosaver.megabytes(limit.value)) for all sessions together")
        }
        if let state = statement.state {
            autosave.turn(on: state.value == .on)
            said.append(
                state.value == .on
                    ? "autosave is on: each model after every epoch, when training stops, and when it changes"
                    : "autosave is off: nothing more is written (what was written stays, and restore finds it)")
        }
        if !said.isEmpty {
            for line in said { say(line) }
            return nil
        }
        return MimeBundle(text: autosaveStatus(autosave).joined(separator: "\n"))
    }

    /// `autosave` alone: on or off, this session's folder, what it holds, the room all take.
    private func autosaveStatus(_ autosave: Autosaver) -> [String] {
        var lines = [
            autosave.isOn
                ? "autosave is on: each model after every epoch (at most every \(Int(Autosaver.minimumInterval)) s), when training stops, and when it changes"
                : "autosave is off (autosave on starts it again)"
        ]
        let location = autosave.location
        lines.append(
            "this session: \(location.runFolder)"
                + (location.notebook.map { " (notebook \($0))" } ?? " (no notebook named: kept for this kernel)"))
        let kept = autosave.currentNames.map { name -> String in
            switch name.kind {
            case .data: return "\(name.name) (\(name.source?.text ?? "data"))"
            case .model:
                let epochs = (name.epochs ?? 0) > 0 ? "trained \(learnerNumber(name.epochs ?? 0)) epochs" : "untrained"
                let when = name.saved.map { ", at " + SessionTime.clock(Date(timeIntervalSince1970: $0)) } ?? ""
                return "\(name.name) (\(epochs)\(when))"
            }
        }
        lines.append(kept.isEmpty ? "written: nothing yet" : "written: " + kept.joined(separator: ", "))
        lines.append(
            "all sessions take \(Autosaver.megabytes(autosave.totalSize())) of the \(Autosaver.megabytes(autosave.limit)) limit; "
                + "sessions unused for \(Int(SessionPruning.maximumAge / 86400)) days are removed")
        return lines
    }
}
