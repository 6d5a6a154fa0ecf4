import Foundation
import Language
import Neural
import Support

/// The interpreter of the lesson language: one session that outlives cells, holding datasets,
/// models and a seed. A statement that fails leaves the session as it was before it.
public final class LessonSession: Interpreter {
    public let interruption = InterruptFlag()
    /// Show seconds in training tables (golden tests turn it off to get stable text).
    public var showsTimings = true
    /// Folder that relative paths in `save`, `load` and `idx` start from.
    public var workingDirectory: String

    /// Names -> datasets and models.
    var names = Namespace()
    var seed: UInt64 = 0
    /// Whether `train` draws its pictures as it trains (`live on|off`).
    var liveTraining = true
    /// Time `train`'s displays have spent looking at models and drawing so far (`make bench`).
    public private(set) var liveDrawingSeconds = 0.0
    /// Where numbered display ids come from (progress bars).
    var displayCounter = 0
    /// How much memory the kernel may use (read once, from the environment or the cgroup).
    var memory = MemoryBudget.fromEnvironment()
    /// Counts executed cells; a model remembers the cell that defined it.
    var cellNumber = 0
    /// Keeps the session on the disk as it goes (the kernel's sessions; nil for `latent run`).
    let autosave: Autosaver?
    /// The first cell says when an earlier session can be restored; then this is false.
    var restoreHintPending = true

    /// `autosave`: where this session keeps itself for `restore` (the kernel gives one);
    /// without it, nothing is written and there is nothing to restore.
    public init(
        workingDirectory: String = FileManager.default.currentDirectoryPath, autosave: AutosaveLocation? = nil
    ) {
        self.workingDirectory = workingDirectory
        self.autosave = autosave.map { Autosaver(location: $0) }
        // Every BLAS call in the session (training and pictures alike) then runs the same way,
        // so a t-SNE gives the same map whether or not a model has trained before it.
        ComputeTeam.startEngine()
    }

    public func execute(_ code: String, output: OutputSink) -> ExecutionOutcome {
        interruption.clear()
        if !output.isQuiet { cellNumber += 1 }
        let renderer = DiagnosticRenderer(source: code)
        let (cell, diagnostics) = Parser(code).parse()
        if !output.isQuiet { sayRestoreHint(cell, output: output) }
        if !diagnostics.isEmpty { return failure(diagnostics, renderer) }
        var result: MimeBundle?
        for (i, node) in cell.statements.enumerated() {
            let context = StatementContext(
                names: names, seed: seed, liveTraining: liveTraining, output: output, interruption: interruption,
                showsTimings: showsTimings,
                workingDirectory: workingDirectory, cellNumber: cellNumber, displayCounter: displayCounter,
                range: node.range, memory: memory, autosave: autosave)
            defer {
                sayAutosaveNotices(output)
                liveDrawingSeconds += context.liveDrawingSeconds
            }
            do {
                let bundle = try run(node.statement, context)
                // Only a statement that succeeded changes the session.
                names = context.names
                seed = context.seed
                liveTraining = context.liveTraining
                displayCounter = context.displayCounter
                autosave?.sync(names, seed: seed)
                let isLast = i == cell.statements.count - 1
                if isLast, case .expression = node.statement {
                    result = bundle
                } else if let bundle {
                    output.display(bundle, id: nil)
                }
            } catch let d as Diagnostic {
                displayCounter = context.displayCounter
                return failure([d], renderer)
            } catch {
                return .error(name: "Error", message: "\(error)", traceback: ["\(error)"])
            }
        }
        return .ok(result: result)
    }

    /// Waits (at most `timeout` seconds) for autosave's last writes: the kernel calls it before
    /// it exits.
    public func finishAutosave(timeout: Double = 5) {
        autosave?.flush(timeout: timeout)
    }

    /// What autosave has cost so far (`make bench`).
    public var autosaveStatistics: AutosaveStatistics { autosave?.statistics ?? AutosaveStatistics() }

    /// What autosave has to say (a model over the limit, a folder it cannot write), on stderr.
    func sayAutosaveNotices(_ output: OutputSink) {
        guard let autosave else { return }
        for notice in autosave.takeNotices() { output.stream(notice + "\n", on: .stderr) }
    }

    /// The first cell of a kernel says, in one line, when an earlier session of this notebook
    /// can be restored. A cell that restores or sets autosave up says nothing; the next one will.
    func sayRestoreHint(_ cell: Cell, output: OutputSink) {
        guard restoreHintPending, let autosave else { return }
        let statements = cell.statements.compactMap { node -> String? in
            if case .command(let command) = node.statement { return command.keyword }
            return nil
        }
        if statements.contains(Restore.keyword) {
            restoreHintPending = false
            return
        }
        if statements.contains(Autosave.keyword) { return }
        restoreHintPending = false
        if let hint = Restore.hint(autosave) { output.stream(hint + "\n", on: .stdout) }
    }

    /// Renders diagnostics as the kernel shows an error: the first headline as the message,
    /// every diagnostic's caret block as traceback lines.
    func failure(_ diagnostics: [Diagnostic], _ renderer: DiagnosticRenderer) -> ExecutionOutcome {
        var traceback = [String]()
        for (i, d) in diagnostics.enumerated() {
            if i > 0 { traceback.append("") }
            traceback += renderer.lines(d)
        }
        let first = diagnostics[0]
        var message = renderer.headline(first)
        if diagnostics.count > 1 { message += " (and \(diagnostics.count - 1) more)" }
        return .error(name: first.kind.rawValue, message: message, traceback: traceback)
    }

    /// Runs one statement: the three forms without a keyword here, the rest through the table.
    func run(_ statement: Statement, _ context: StatementContext) throws -> MimeBundle? {
        switch statement {
        case .assign(let name, let value): return try context.assign(name, value)
        case .model(let syntax): return try context.defineModel(syntax)
        case .expression(let reference): return try context.value(of: reference)
        case .command(let command):
            guard let runnable = command as? any SessionStatement else {
                throw Diagnostic("'\(command.keyword)' cannot run in this session", range: context.range)
            }
            return try runnable.run(context)
        }
    }
}
