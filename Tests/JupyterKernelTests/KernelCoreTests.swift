import Session
import XCTest

@testable import JupyterKernel

/// The message logic through a recording outlet: no sockets, no threads.
final class KernelCoreTests: CoreTestCase {

    @discardableResult
    func send(_ type: String, _ content: JSONValue = [:], on channel: Channel = .shell) -> KernelCore.Disposition {
        core.handle(requests.make(type, content), on: channel, outlet: outlet)
    }

    func execute(_ code: String, _ extra: [String: JSONValue] = [:]) -> Message {
        outlet.clear()
        var content = extra
        content["code"] = .string(code)
        send("execute_request", .object(content))
        return outlet.replies.last!
    }

    func testEveryRequestIsWrappedInBusyAndIdleWithItsParent() {
        let request = requests.make("kernel_info_request")
        _ = core.handle(request, on: .shell, outlet: outlet)
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"])
        for message in outlet.sent.map(\.message) {
            XCTAssertEqual(message.parentHeader["msg_id"], "request-1")
        }
        // The reply goes out before idle.
        XCTAssertEqual(outlet.sent.map(\.route), [.iopub, .reply, .iopub])
        XCTAssertEqual(outlet.replies[0].identities, [Array("client-1".utf8)])
    }

    func testKernelInfoOnShellAndControl() {
        for channel in [Channel.shell, .control] {
            outlet.clear()
            send("kernel_info_request", on: channel)
            let content = outlet.replies[0].content
            XCTAssertEqual(outlet.replies[0].msgType, "kernel_info_reply")
            XCTAssertEqual(content["protocol_version"], "5.4")
            XCTAssertEqual(content["implementation"], "latent")
            XCTAssertEqual(content["language_info"]?["name"], "latent")
            XCTAssertEqual(content["language_info"]?["file_extension"], ".latent")
            XCTAssertEqual(content["language_info"]?["mimetype"], "text/x-latent")
            XCTAssertEqual(content["help_links"]?.arrayValue?.count, 1)
        }
    }

    func testExecutePublishesInputOutputResultThenReplies() {
        let reply = execute("print hello")
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "execute_input", "stream", "status:idle"])
        XCTAssertEqual(outlet.iopub[1].content["code"], "print hello")
        XCTAssertEqual(outlet.iopub[1].content["execution_count"], 1)
        XCTAssertEqual(outlet.iopub[2].content["text"], "hello\n")
        XCTAssertEqual(outlet.iopub[2].content["name"], "stdout")
        XCTAssertEqual(reply.content["status"], "ok")
        XCTAssertEqual(reply.content["execution_count"], 1)

        let second = execute("42")
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "execute_input", "execute_result", "status:idle"])
        XCTAssertEqual(outlet.iopub[2].content["data"]?["text/plain"], "42")
        XCTAssertEqual(outlet.iopub[2].content["execution_count"], 2)
        XCTAssertEqual(second.content["execution_count"], 2)
    }

    func testDisplaysCarryMetadataAndTransientIds() {
        _ = execute("show")
        let display = outlet.iopub[2]
        XCTAssertEqual(display.msgType, "display_data")
        XCTAssertEqual(display.content["data"]?["image/png"], "iVBORw0KGgo=")
        XCTAssertEqual(display.content["metadata"]?["image/png"]?["width"], 28)
        _ = execute("progress")
        XCTAssertEqual(
            outlet.iopubTypes, ["status:busy", "execute_input", "display_data", "update_display_data", "status:idle"])
        XCTAssertEqual(outlet.iopub[2].content["transient"]?["display_id"], "progress-1")
        XCTAssertEqual(outlet.iopub[3].content["transient"]?["display_id"], "progress-1")
        XCTAssertEqual(outlet.iopub[3].content["data"]?["text/plain"], "epoch 2")
    }

    func testErrorsCarryTheCaretTextAndStillCount() {
        let reply = execute("fail")
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "execute_input", "error", "status:idle"])
        XCTAssertEqual(outlet.iopub[2].content["traceback"], ["fail", "^^^^ expected a statement"])
        XCTAssertEqual(reply.content["status"], "error")
        XCTAssertEqual(reply.content["ename"], "SyntaxError")
        XCTAssertEqual(reply.content["evalue"], "expected a statement")
        XCTAssertEqual(reply.content["execution_count"], 1)
        core.finishAborting()
        XCTAssertEqual(execute("1").content["execution_count"], 2)
    }

    func testSilentAndUnstoredExecutionsDoNotCount() {
        _ = execute("1")
        let silent = execute("print quiet", ["silent": true])
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"])
        XCTAssertEqual(silent.content["execution_count"], 1)
        let unstored = execute("2", ["store_history": false])
        XCTAssertEqual(unstored.content["execution_count"], 1)
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "execute_input", "execute_result", "status:idle"])
        XCTAssertEqual(execute("3").content["execution_count"], 2)
        XCTAssertEqual(core.history.tail(10).map(\.input), ["1", "3"])
        // A silent failure does not abort what follows.
        _ = execute("fail", ["silent": true])
        XCTAssertFalse(core.isAborting)
    }

    func testStopOnErrorAbortsQueuedCellsUntilTheQueueIsDrained() {
        _ = execute("fail")
        XCTAssertTrue(core.isAborting)
        // The queue is set aside after the error reply and before idle, so a request sent once
        // a client sees that idle is not aborted.
        XCTAssertEqual(outlet.setAsideAfter, [outlet.sent.count - 1])
        XCTAssertEqual(outlet.sent[outlet.sent.count - 2].message.msgType, "execute_reply")
        let aborted = execute("print never")
        XCTAssertEqual(aborted.content["status"], "aborted")
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"])
        XCTAssertEqual(interpreter.executed, ["fail"])
        // Other requests are still answered while aborting.
        outlet.clear()
        send("kernel_info_request")
        XCTAssertEqual(outlet.replies[0].content["status"], "ok")
        core.finishAborting()
        XCTAssertEqual(execute("print again").content["status"], "ok")
        XCTAssertEqual(execute("2").content["execution_count"], 3)
    }

    func testStopOnErrorFalseKeepsGoing() {
        _ = execute("fail", ["stop_on_error": false])
        XCTAssertFalse(core.isAborting)
    }

    func testCompleteInspectAndIsComplete() {
        send("complete_request", ["code": "tr", "cursor_pos": 2])
        XCTAssertEqual(outlet.replies[0].content["matches"], ["train", "traverse"])
        XCTAssertEqual(outlet.replies[0].content["cursor_start"], 0)
        XCTAssertEqual(outlet.replies[0].content["cursor_end"], 2)
        outlet.clear()
        send("complete_request", ["code": "tr", "cursor_pos": 99])
        XCTAssertEqual(outlet.replies[0].content["cursor_end"], 2, "cursor clamped into the code")

        outlet.clear()
        send("inspect_request", ["code": "train", "cursor_pos": 2, "detail_level": 0])
        XCTAssertEqual(outlet.replies[0].content["found"], true)
        XCTAssertEqual(outlet.replies[0].content["data"]?["text/plain"], "train MODEL on DATA epochs N")
        outlet.clear()
        send("inspect_request", ["code": "zzz", "cursor_pos": 1])
        XCTAssertEqual(outlet.replies[0].content["found"], false)
        XCTAssertEqual(outlet.replies[0].content["status"], "ok")

        outlet.clear()
        send("is_complete_request", ["code": "model ae:"])
        XCTAssertEqual(outlet.replies[0].content["status"], "incomplete")
        XCTAssertEqual(outlet.replies[0].content["indent"], "    ")
        outlet.clear()
        send("is_complete_request", ["code": ")"])
        XCTAssertEqual(outlet.replies[0].content["status"], "invalid")
        outlet.clear()
        send("is_complete_request", ["code": "who"])
        XCTAssertEqual(outlet.replies[0].content, ["status": "complete"])
    }

    func testHistoryTailRangeAndSearch() {
        for code in ["1", "2", "print a", "2"] { _ = execute(code) }
        outlet.clear()
        send("history_request", ["hist_access_type": "tail", "n": 2, "output": false, "raw": true])
        XCTAssertEqual(outlet.replies[0].content["history"], [[1, 3, "print a"], [1, 4, "2"]])
        outlet.clear()
        send("history_request", ["hist_access_type": "tail", "n": 1, "output": true, "raw": true])
        XCTAssertEqual(outlet.replies[0].content["history"], [[1, 4, ["2", "2"]]])
        outlet.clear()
        send(
            "history_request",
            ["hist_access_type": "range", "session": 0, "start": 2, "stop": 4, "output": false, "raw": true])
        XCTAssertEqual(outlet.replies[0].content["history"], [[1, 2, "2"], [1, 3, "print a"]])
        outlet.clear()
        send("history_request", ["hist_access_type": "search", "pattern": "2", "output": false, "raw": true])
        XCTAssertEqual(outlet.replies[0].content["history"]?.arrayValue?.count, 2)
        outlet.clear()
        send(
            "history_request",
            ["hist_access_type": "search", "pattern": "?", "unique": true, "output": false, "raw": true])
        XCTAssertEqual(outlet.replies[0].content["history"], [[1, 1, "1"], [1, 4, "2"]])
    }

    func testCommInfoShutdownAndInterrupt() {
        send("comm_info_request", on: .control)
        XCTAssertEqual(outlet.replies[0].content, ["status": "ok", "comms": [:]])
        outlet.clear()
        XCTAssertEqual(send("interrupt_request", on: .control), .carryOn)
        XCTAssertTrue(interpreter.interruption.isRaised)
        XCTAssertEqual(outlet.replies[0].msgType, "interrupt_reply")
        _ = execute("1")
        XCTAssertEqual(interpreter.flagAtStart.last, false, "a stale interrupt does not stop the next cell")
        outlet.clear()
        XCTAssertEqual(send("shutdown_request", ["restart": true], on: .control), .shutdown(restart: true))
        XCTAssertEqual(outlet.replies[0].content, ["status": "ok", "restart": true])
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "shutdown_reply", "status:idle"])
    }

    func testUnknownAndMisdirectedRequestsAreDroppedSilently() {
        send("frobnicate_request")
        send("execute_request", ["code": "print x"], on: .control)
        send("complete_request", ["code": "x"], on: .control)
        XCTAssertTrue(outlet.sent.isEmpty)
        XCTAssertTrue(interpreter.executed.isEmpty)
    }

    func testRequestsWithWrongTypesInTheHeaderOrContentAreDropped() {
        let wrong: [(String, [String: JSONValue])] = [
            ("execute_request", ["code": 42]),
            ("execute_request", ["code": "print x", "silent": "no"]),
            ("execute_request", ["code": "print x", "user_expressions": [1, 2]]),
            ("execute_request", [:]),
            ("complete_request", ["code": "tr", "cursor_pos": "2"]),
            ("complete_request", ["code": "tr", "cursor_pos": 1.5]),
            ("inspect_request", ["code": "train", "detail_level": [:]]),
            ("is_complete_request", ["code": .null]),
            ("history_request", ["hist_access_type": "tail", "n": "10"]),
            ("comm_info_request", ["target_name": 3]),
            ("shutdown_request", ["restart": "yes"]),
            ("comm_open", ["comm_id": "c", "target_name": false]),
            ("comm_msg", ["comm_id": 1, "data": [:]]),
        ]
        for (type, content) in wrong {
            XCTAssertEqual(send(type, .object(content)), .carryOn, type)
        }
        var request = requests.make("kernel_info_request")
        request.header = ["msg_type": "kernel_info_request", "msg_id": 7, "session": "s"]
        _ = core.handle(request, on: .shell, outlet: outlet)
        request.header = ["msg_type": "kernel_info_request", "msg_id": "m", "date": ["2026"]]
        _ = core.handle(request, on: .control, outlet: outlet)
        XCTAssertTrue(outlet.sent.isEmpty, "\(outlet.sent.map(\.message.msgType))")
        XCTAssertTrue(interpreter.executed.isEmpty)
        XCTAssertFalse(interpreter.interruption.isRaised)
        // null stands for absent, and an integer may come as 1.0.
        send("complete_request", ["code": "tr", "cursor_pos": .null])
        send("inspect_request", ["code": "train", "cursor_pos": 2.0, "detail_level": 0])
        XCTAssertEqual(outlet.replies.map(\.msgType), ["complete_reply", "inspect_reply"])
        XCTAssertEqual(
            RequestShape.problem(with: requests.make("execute_request", ["code": 42])),
            "content.code is a number, not a string")
    }

    func testCommsThatDoNotExistAreClosedOrIgnored() {
        send("comm_info_request", ["target_name": "jupyter.widget"])
        XCTAssertEqual(outlet.replies[0].msgType, "comm_info_reply")
        XCTAssertEqual(outlet.replies[0].content, ["status": "ok", "comms": [:]])
        outlet.clear()
        send("comm_open", ["comm_id": "c1", "target_name": "jupyter.widget", "data": ["x": 1]])
        XCTAssertTrue(outlet.replies.isEmpty)
        XCTAssertEqual(outlet.iopubTypes, ["status:busy", "comm_close", "status:idle"])
        XCTAssertEqual(outlet.iopub[1].content, ["comm_id": "c1", "data": [:]])
        XCTAssertEqual(outlet.iopub[1].parentHeader["msg_type"], "comm_open")
        for type in ["comm_msg", "comm_close"] {
            outlet.clear()
            send(type, ["comm_id": "c1", "data": [:]])
            XCTAssertTrue(outlet.replies.isEmpty, type)
            XCTAssertEqual(outlet.iopubTypes, ["status:busy", "status:idle"], type)
        }
        outlet.clear()
        send("comm_msg", ["comm_id": "c1"], on: .control)
        XCTAssertTrue(outlet.sent.isEmpty, "comms are shell messages")
    }

    func testStartingStatusHasNoParent() {
        let starting = core.startingStatus()
        XCTAssertEqual(starting.content, ["execution_state": "starting"])
        XCTAssertEqual(starting.parentHeader, [:])
    }
}
