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
    /// Where numbered display ids come from (progress bars).
    var displayCounter = 0
    /// Counts executed cells; a model remembers the cell that defined it.
    var cellNumber = 0

    public init(workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.workingDirectory = workingDirectory
        // Every BLAS call in the session (training and pictures alike) then runs the same way,
        // so a t-SNE gives the same map whether or not a model has trained before it.
        ComputeTeam.startEngine()
    }

    public func execute(_ code: String, output: OutputSink) -> ExecutionOutcome {
        interruption.clear()
        cellNumber += 1
        let renderer = DiagnosticRenderer(source: code)
        let (cell, diagnostics) = Parser(code).parse()
        if !diagnostics.isEmpty { return failure(diagnostics, renderer) }
        var result: MimeBundle?
        for (i, node) in cell.statements.enumerated() {
            do {
                let context = StatementContext(output: output, range: node.range)
                let bundle = try run(node.statement, context)
                let isLast = i == cell.statements.count - 1
                if isLast, case .expression = node.statement {
                    result = bundle
                } else if let bundle {
                    output.display(bundle, id: nil)
                }
            } catch let d as Diagnostic {
                return failure([d], renderer)
            } catch {
                return .error(name: "Error", message: "\(error)", traceback: ["\(error)"])
            }
        }
        return .ok(result: result)
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

    /// One place that sends each statement to its handler.
    func run(_ statement: Statement, _ context: StatementContext) throws -> MimeBundle? {
        switch statement {
        case .assign(let name, let value): return try assign(name, value, context)
        case .model(let syntax): return try defineModel(syntax, context)
        case .summary(let name): return try summary(name)
        case .train(let syntax): return try train(syntax, context)
        case .why(let name): return try why(name)
        case .evaluate(let model, let on): return try evaluate(model, on: on)
        case .seed(let n):
            seed = UInt64(n.value)
            context.say("seed \(n.value): shuffling, dropout, noise and new weights are now repeatable")
            return nil
        case .who: return who()
        case .print(let items): return try printItems(items, context)
        case .save(let model, let path): return try save(model, to: path, context)
        case .load(let name, let path): return try load(name, from: path, context)
        case .delete(let names): return try delete(names, context)
        case .help(let topic): return try help(topic)
        case .picture(let picture): return try runPicture(picture, context)
        case .expression(let reference): return try value(of: reference)
        }
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

/// What a running statement may use besides the session: where its output goes and where it
/// was written.
struct StatementContext {
    let output: OutputSink
    let range: SourceRange

    func say(_ text: String) {
        output.stream(text + "\n", on: .stdout)
    }
}
