/// The small interface through which the Jupyter kernel (and `latent run`) drives a session.
/// The kernel knows only this file's types; the session knows nothing of Jupyter.

/// One result in several representations, keyed by MIME type ("text/plain", "text/html",
/// "image/png" as base64, "image/svg+xml"). `text/plain` is always present.
public struct MimeBundle: Sendable, Equatable {
    public var data: [String: String]
    /// Per-MIME metadata, e.g. ["image/png": ["width": 280, "height": 56]].
    public var metadata: [String: [String: Int]]

    public init(data: [String: String], metadata: [String: [String: Int]] = [:]) {
        self.data = data
        self.metadata = metadata
    }

    public init(text: String) {
        self.init(data: ["text/plain": text])
    }

    public var text: String { data["text/plain"] ?? "" }
}

public enum StreamName: String, Sendable {
    case stdout, stderr
}

/// Where a running statement sends its output, as it happens. Implementations must be safe to
/// call from the thread that executes code.
public protocol OutputSink: AnyObject {
    /// Text on stdout or stderr.
    func stream(_ text: String, on stream: StreamName)
    /// A new display; with an id it can be updated in place later (Jupyter's transient display_id).
    func display(_ bundle: MimeBundle, id: String?)
    /// Replaces the content of the display shown earlier with this id.
    func update(_ bundle: MimeBundle, id: String)
    /// Whether a person watches the pictures of a display as it updates (a notebook does; a
    /// terminal shows text, so `train` draws nothing for it as it goes). True unless a sink says not.
    var showsLivePictures: Bool { get }
    /// Where panels of controls can be shown; nil where no frontend can show them.
    var controls: ControlHost? { get }
    /// A silent request (VS Code's probe `import ipywidgets`): it shows nothing and leaves no
    /// trace, neither a cell counted nor the restore hint spent.
    var isQuiet: Bool { get }
}

extension OutputSink {
    public var showsLivePictures: Bool { true }
    public var controls: ControlHost? { nil }
    public var isQuiet: Bool { false }
}

/// The end of one `execute`.
public enum ExecutionOutcome: Sendable, Equatable {
    /// Success; `result` is the value of a last bare expression, if the cell ended with one.
    case ok(result: MimeBundle?)
    /// A failure rendered for the learner: `name` (e.g. "SyntaxError"), a one-line `message`,
    /// and `traceback` lines (the caret text) that frontends print as they are.
    case error(name: String, message: String, traceback: [String])
}

public struct Completion: Sendable, Equatable {
    public var matches: [String]
    /// The range of `code` (in Unicode scalars, as Jupyter counts) that a match replaces.
    public var cursorStart: Int
    public var cursorEnd: Int

    public init(matches: [String], cursorStart: Int, cursorEnd: Int) {
        self.matches = matches
        self.cursorStart = cursorStart
        self.cursorEnd = cursorEnd
    }
}

public enum Completeness: Sendable, Equatable {
    case complete
    /// More lines are needed; `indent` is what the next line should start with.
    case incomplete(indent: String)
    case invalid
    case unknown
}

/// A flag that the kernel's control thread (or a SIGINT handler) raises and the training loop
/// reads between batches.
public final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLockLike()
    private var raised = false

    public init() {}

    public func raise() { lock.withLock { raised = true } }
    public func clear() { lock.withLock { raised = false } }
    public var isRaised: Bool { lock.withLock { raised } }
}

/// The session as the kernel sees it. Cursor positions count Unicode scalars.
public protocol Interpreter: AnyObject {
    func execute(_ code: String, output: OutputSink) -> ExecutionOutcome
    func complete(_ code: String, cursor: Int) -> Completion
    /// Help for the word under the cursor, or a description of the named object; nil if none.
    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle?
    func isComplete(_ code: String) -> Completeness
    /// Raised by the kernel to stop a running statement at the next safe point.
    var interruption: InterruptFlag { get }
}
