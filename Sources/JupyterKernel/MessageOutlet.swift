/// Where the message logic sends what it produces. The sockets implement it in `SocketOutlet`;
/// tests implement it with an array, so every request type is testable without ZeroMQ.
public protocol MessageOutlet: AnyObject {
    /// A reply on the channel the request came in on (shell or control), routed back to the
    /// sender by the identities it carries.
    func reply(_ message: Message)
    /// A broadcast on iopub.
    func publish(_ message: Message)
    /// A cell failed with stop_on_error and has replied: take the requests already queued on
    /// this channel off it now, before the cell's idle status goes out, so that they are the
    /// ones aborted and not a request a client sends once it sees that idle.
    func setAsideQueued()
    /// The comms that shell requests waiting behind this one (comm_msg) are for, so that a
    /// widget can skip redrawing for values that are already out of date.
    func queuedCommIDs() -> Set<String>
}

extension MessageOutlet {
    public func setAsideQueued() {}
    public func queuedCommIDs() -> Set<String> { [] }
}

/// The channel a request arrived on. Control answers while shell is busy running a cell.
public enum Channel: String, Sendable {
    case shell, control
}
