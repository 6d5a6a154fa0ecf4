/// Where the message logic sends what it produces. The sockets implement it in `SocketOutlet`;
/// tests implement it with an array, so every request type is testable without ZeroMQ.
public protocol MessageOutlet: AnyObject {
    /// A reply on the channel the request came in on (shell or control), routed back to the
    /// sender by the identities it carries.
    func reply(_ message: Message)
    /// A broadcast on iopub.
    func publish(_ message: Message)
}

/// The channel a request arrived on. Control answers while shell is busy running a cell.
public enum Channel: String, Sendable {
    case shell, control
}
