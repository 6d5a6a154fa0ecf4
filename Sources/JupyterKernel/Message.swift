import Foundation

/// One Jupyter message, as the protocol defines it: the routing identities (ROUTER sockets only),
/// the four JSON parts and optional binary buffers. The signature is not kept: it is checked on
/// the way in and computed on the way out by `WireCodec`.
public struct Message: Sendable, Equatable {
    public var identities: [[UInt8]]
    public var header: JSONValue
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var content: JSONValue
    public var buffers: [[UInt8]]

    public init(
        identities: [[UInt8]] = [], header: JSONValue, parentHeader: JSONValue = [:],
        metadata: JSONValue = [:], content: JSONValue = [:], buffers: [[UInt8]] = []
    ) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    public var msgType: String { header["msg_type"]?.stringValue ?? "" }
    public var msgID: String { header["msg_id"]?.stringValue ?? "" }
    public var session: String { header["session"]?.stringValue ?? "" }
}

/// Makes the headers of the messages the kernel sends: one session id for the process, a fresh
/// msg_id for every message, the protocol version and an ISO 8601 date with microseconds.
public final class MessageFactory: @unchecked Sendable {
    public static let protocolVersion = "5.4"
    public let session: String
    public let username: String
    private let counter = Counter()

    public init(session: String = UUID().uuidString.lowercased(), username: String = "latent") {
        self.session = session
        self.username = username
    }

    public func header(type: String) -> JSONValue {
        [
            "msg_id": .string("\(session)_\(counter.next())"),
            "msg_type": .string(type),
            "session": .string(session),
            "username": .string(username),
            "date": .string(Self.timestamp(Date())),
            "version": .string(Self.protocolVersion),
        ]
    }

    /// A reply or a side effect of `parent`: it carries the parent's header and identities.
    public func message(
        type: String, content: JSONValue, parent: Message?, metadata: JSONValue = [:],
        identities: [[UInt8]]? = nil
    ) -> Message {
        Message(
            identities: identities ?? parent?.identities ?? [],
            header: header(type: type),
            parentHeader: parent?.header ?? [:],
            metadata: metadata,
            content: content)
    }

    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = Int(seconds.rounded(.down))
        let micros = Int(((seconds - Double(whole)) * 1_000_000).rounded(.down))
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }
}

/// A thread-safe increasing counter for message ids.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
