import Foundation
import Session
import XCTest

@testable import JupyterKernel

/// A scripted interpreter for the kernel's message logic tests: each cell's code picks what it does.
/// `print X` streams X, `fail` returns an error, `show` displays a PNG bundle, `progress` displays
/// and updates one id, `N` (an integer) is a result; anything else succeeds with no result.
final class ScriptedInterpreter: Interpreter, @unchecked Sendable {
    let interruption = InterruptFlag()
    private(set) var executed: [String] = []
    /// Whether the flag was raised when `execute` was entered (the kernel clears it first).
    private(set) var flagAtStart: [Bool] = []
    /// The calls of the `panel` cell's panel: which controls moved, and every value.
    var panelCalls: [(moved: Set<Int>, values: [Double])] = []
    struct PanelFailure: Error {}

    func execute(_ code: String, output: OutputSink) -> ExecutionOutcome {
        executed.append(code)
        flagAtStart.append(interruption.isRaised)
        if code.hasPrefix("print ") {
            output.stream(String(code.dropFirst(6)) + "\n", on: .stdout)
            return .ok(result: nil)
        }
        switch code {
        case "fail":
            return .error(
                name: "SyntaxError", message: "expected a statement", traceback: ["fail", "^^^^ expected a statement"])
        case "show":
            output.display(
                MimeBundle(
                    data: ["text/plain": "<picture>", "image/png": "iVBORw0KGgo="],
                    metadata: ["image/png": ["width": 28]]),
                id: nil)
            return .ok(result: nil)
        case "panel":
            // Two sliders and a picker-like integer slider; the picture's bytes are the values.
            let panel = ControlPanel(
                title: "a panel",
                controls: [
                    Control(.slider(minimum: -3, maximum: 3, step: 0.1), label: "code 0", value: 0),
                    Control(.slider(minimum: -3, maximum: 3, step: 0.1), label: "code 1", value: 0),
                    Control(.integerSlider(minimum: 0, maximum: 9), label: "test digit", value: 0),
                ],
                image: PanelImage(png: [0, 0], width: 224, height: 224)
            ) { [unowned self] moved, values in
                self.panelCalls.append((moved, values))
                if values[0] > 2.5 { throw PanelFailure() }
                // The picker sets slider 1 to its number.
                let change: [Int: Double] = moved.contains(2) ? [1: values[2]] : [:]
                let second = change[1] ?? values[1]
                return PanelChange(
                    values: change,
                    image: PanelImage(png: [UInt8(values[0] + 3), UInt8(second + 3)], width: 224, height: 224))
            }
            output.controls?.show(panel, fallback: MimeBundle(data: ["text/plain": "a panel", "image/png": "AAA="]))
            return .ok(result: nil)
        case "progress":
            output.display(MimeBundle(text: "epoch 1"), id: "progress-1")
            output.update(MimeBundle(text: "epoch 2"), id: "progress-1")
            return .ok(result: nil)
        default:
            if let number = Int(code) { return .ok(result: MimeBundle(text: "\(number)")) }
            return .ok(result: nil)
        }
    }

    func complete(_ code: String, cursor: Int) -> Completion {
        Completion(matches: ["train", "traverse"], cursorStart: 0, cursorEnd: cursor)
    }

    func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        code.hasPrefix("train") ? MimeBundle(text: "train MODEL on DATA epochs N") : nil
    }

    func isComplete(_ code: String) -> Completeness {
        if code.hasSuffix(":") { return .incomplete(indent: "    ") }
        if code.hasPrefix(")") { return .invalid }
        return .complete
    }
}

/// Records what the message logic sends, in order, as (where, message).
final class RecordingOutlet: MessageOutlet {
    enum Route: Equatable { case reply, iopub }
    private(set) var sent: [(route: Route, message: Message)] = []

    /// How many messages had been sent each time the core asked for the queue to be set aside.
    private(set) var setAsideAfter: [Int] = []

    func reply(_ message: Message) { sent.append((.reply, message)) }
    func publish(_ message: Message) { sent.append((.iopub, message)) }
    func setAsideQueued() { setAsideAfter.append(sent.count) }
    /// What `queuedCommIDs` answers: the comms of requests a test pretends are waiting.
    var queued: Set<String> = []
    func queuedCommIDs() -> Set<String> { queued }

    var replies: [Message] { sent.filter { $0.route == .reply }.map(\.message) }
    var iopub: [Message] { sent.filter { $0.route == .iopub }.map(\.message) }
    /// iopub message types, with a status written as `status:busy`.
    var iopubTypes: [String] {
        iopub.map { m in
            m.msgType == "status" ? "status:\(m.content["execution_state"]?.stringValue ?? "")" : m.msgType
        }
    }
    func clear() {
        sent = []
        setAsideAfter = []
    }
}

/// Builds requests as a client would.
struct RequestMaker {
    var counter = 0

    mutating func make(_ type: String, _ content: JSONValue = [:], identity: String = "client-1") -> Message {
        counter += 1
        return Message(
            identities: [Array(identity.utf8)],
            header: [
                "msg_id": .string("request-\(counter)"), "msg_type": .string(type), "session": "client-session",
                "username": "test", "date": "2026-01-01T00:00:00.000000Z", "version": "5.4",
            ],
            content: content)
    }
}

/// A kernel core on a scripted interpreter and a recording outlet, fresh for each test.
class CoreTestCase: XCTestCase {
    var interpreter: ScriptedInterpreter!
    var core: KernelCore!
    var outlet: RecordingOutlet!
    var requests = RequestMaker()

    override func setUp() {
        interpreter = ScriptedInterpreter()
        core = KernelCore(
            interpreter: interpreter, factory: MessageFactory(session: "kernel"), history: HistoryStore(file: nil),
            identity: KernelIdentity(helpLinks: [.init(text: "Lessons", url: "file:///lessons")]))
        outlet = RecordingOutlet()
    }
}
