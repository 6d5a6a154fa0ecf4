/// Comms, the protocol's custom messages that widgets are built on. The kernel registers no comm
/// targets yet, so everything comm-related is answered here, in one place: comm_info lists no
/// comms, a comm_open is answered with a comm_close on iopub (the spec's answer to a target the
/// kernel does not know, so the frontend does not keep a half-open comm), and comm_msg and
/// comm_close, which can only name a comm that does not exist, are ignored with a log line.
/// Real comms replace these answers.
extension KernelCore {
    static let commTypes: Set<String> = ["comm_open", "comm_msg", "comm_close"]

    func handleComm(_ request: Message, outlet: MessageOutlet) {
        let commID = request.content["comm_id"]?.stringValue ?? ""
        switch request.msgType {
        case "comm_info_request":
            outlet.reply(reply(to: request, content: ["status": "ok", "comms": [:]]))
        case "comm_open":
            let target = request.content["target_name"]?.stringValue ?? ""
            KernelLog.write(
                "ignored comm_open on shell: no comm target \(KernelLog.quoted(target)); comm_close sent for comm "
                    + KernelLog.quoted(commID))
            outlet.publish(
                factory.message(
                    type: "comm_close", content: ["comm_id": .string(commID), "data": [:]], parent: request,
                    identities: []))
        default:
            KernelLog.write("ignored \(request.msgType) on shell: no comm \(KernelLog.quoted(commID))")
        }
    }
}
