import Foundation
import Language
import Support

/// What a running statement may use: the session's names and seed, where its output goes, the
/// interruption flag, and a few settings. Not the session itself. The session hands a statement
/// a copy of its names and takes them back only when the statement succeeds, so a statement that
/// fails changes nothing.
final class StatementContext {
    var names: Namespace
    var seed: UInt64
    /// Whether `train` draws its pictures as it trains (`live on|off`).
    var liveTraining: Bool
    /// Time `train`'s display spent looking and drawing in this statement.
    var liveDrawingSeconds = 0.0
    let output: OutputSink
    /// Raised by the kernel to stop a long statement at its next safe point.
    let interruption: InterruptFlag
    /// Show seconds in training tables (golden tests turn it off to get stable text).
    let showsTimings: Bool
    /// Folder that relative paths start from.
    let workingDirectory: String
    /// The cell being run; a model remembers the cell that defined it.
    let cellNumber: Int
    /// How much memory the kernel may use; statements weigh their work against it first.
    let memory: MemoryBudget
    /// Where the statement being run was written.
    var range: SourceRange
    /// Where numbered display ids come from (progress bars).
    private(set) var displayCounter: Int
    /// The session's autosave (nil when the session keeps nothing on the disk, as `latent run`).
    let autosave: Autosaver?

    init(
        names: Namespace, seed: UInt64, liveTraining: Bool = true, output: OutputSink, interruption: InterruptFlag,
        showsTimings: Bool,
        workingDirectory: String, cellNumber: Int, displayCounter: Int, range: SourceRange,
        memory: MemoryBudget = .fromEnvironment(),
        autosave: Autosaver? = nil
    ) {
        self.memory = memory
        self.autosave = autosave
        self.names = names
        self.seed = seed
        self.liveTraining = liveTraining
        self.output = output
        self.interruption = interruption
        self.showsTimings = showsTimings
        self.workingDirectory = workingDirectory
        self.cellNumber = cellNumber
        self.displayCounter = displayCounter
        self.range = range
    }

    /// Asked by long work between its steps: whether the kernel raised the interruption flag.
    var shouldStop: ShouldStop { { [interruption] in interruption.isRaised } }

    /// What a statement other than `train` says when it is interrupted: it stopped, and
    /// changed nothing.
    func interrupted() -> Diagnostic {
        Diagnostic("interrupted: the statement stopped and changed nothing", range: range, kind: .interrupted)
    }

    /// `work` run so that an interrupt stops the wait within a few milliseconds (see
    /// `runAbandonable`: only for work that shares nothing with what runs next).
    func abandonable<T>(_ work: @escaping @Sendable () throws -> T) throws -> T {
        do {
            return try runAbandonable(stop: shouldStop, work)
        } catch is Interrupted {
            throw interrupted()
        }
    }

    func say(_ text: String) {
        output.stream(text + "\n", on: .stdout)
    }

    func resolvedPath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSString(string: path).expandingTildeInPath }
        return workingDirectory + "/" + path
    }

    func nextDisplayID(_ prefix: String) -> String {
        displayCounter += 1
        return "latent-\(prefix)-\(ProcessInfo.processInfo.processIdentifier)-\(displayCounter)"
    }
}
