import Foundation
import Session

@testable import JupyterKernel

/// A scripted interpreter for the kernel's message logic tests: each cell's code picks what it does.
/// `print X` streams X, `fail` returns an error, `show` displays a PNG bundle, `progress` displays
/// and updates one id, `N` (an integer) is a result; anything else succeeds with no result.
final class ScriptedInterpreter: Interpreter, @unchecked Sendable {
    let interruption = InterruptFlag()
    private(set) var executed: [String] = []
    /// Whether the flag was raised when `execute` was entered (the kernel clears it first).
    private(set) var flagAtStart: [Bool] = []

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
