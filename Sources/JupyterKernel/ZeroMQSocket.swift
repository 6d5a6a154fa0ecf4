import CZeroMQ
import Foundation

/// A libzmq failure: the call that failed and libzmq's own words for why.
public struct ZeroMQError: Error, CustomStringConvertible {
    public let call: String
    public let code: Int32
    public var description: String { "\(call): \(String(cString: zmq_strerror(code)))" }
    /// The context was shut down: the owning thread should close its socket and stop.
    public var isTerminated: Bool { code == ETERM }
}

/// The process's ZeroMQ context.
public final class ZeroMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    public init() {
        handle = zmq_ctx_new()
    }

    /// Makes every blocking call on this context's sockets return ETERM.
    public func shutdown() { _ = zmq_ctx_shutdown(handle) }

    /// Waits until every socket is closed and lingering messages are sent.
    public func terminate() {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}

/// One libzmq socket. Not thread-safe, like libzmq's: one thread owns it (it may be handed to
/// that thread once, before use).
public final class ZeroMQSocket: @unchecked Sendable {
    public enum Kind {
        case router, pub, xpub, rep, push, pull, dealer, sub, req

        var code: Int32 {
            switch self {
            case .router: return ZMQ_ROUTER
            case .pub: return ZMQ_PUB
            case .xpub: return ZMQ_XPUB
            case .rep: return ZMQ_REP
            case .push: return ZMQ_PUSH
            case .pull: return ZMQ_PULL
            case .dealer: return ZMQ_DEALER
            case .sub: return ZMQ_SUB
            case .req: return ZMQ_REQ
            }
        }
    }

    let handle: UnsafeMutableRawPointer
    private var closed = false

    public init(_ context: ZeroMQContext, _ kind: Kind) throws(ZeroMQError) {
        guard let handle = zmq_socket(context.handle, kind.code) else {
            throw ZeroMQError(call: "zmq_socket", code: zmq_errno())
        }
        self.handle = handle
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        _ = zmq_close(handle)
    }

    public func set(_ option: Int32, _ value: Int32) throws(ZeroMQError) {
        var value = value
        try check("zmq_setsockopt", zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size))
    }

    /// For the options libzmq takes as int64_t (ZMQ_MAXMSGSIZE).
    public func set64(_ option: Int32, _ value: Int64) throws(ZeroMQError) {
        var value = value
        try check("zmq_setsockopt", zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size))
    }

    public func set(_ option: Int32, _ value: String) throws(ZeroMQError) {
        let bytes = Array(value.utf8)
        try check("zmq_setsockopt", bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) })
    }

    /// Makes this a CurveZMQ server: clients must know the matching public key to connect.
    public func makeCurveServer(secretKey: String) throws(ZeroMQError) {
        try set(ZMQ_CURVE_SERVER, 1)
        try set(ZMQ_CURVE_SECRETKEY, secretKey)
    }

    public func bind(_ endpoint: String) throws(ZeroMQError) {
        try check("zmq_bind(\(endpoint))", zmq_bind(handle, endpoint))
    }

    public func connect(_ endpoint: String) throws(ZeroMQError) {
        try check("zmq_connect(\(endpoint))", zmq_connect(handle, endpoint))
    }

    /// Sends all frames as one multipart message.
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws(ZeroMQError) {
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            if dontWait { flags |= ZMQ_DONTWAIT }
            while true {
                let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if sent >= 0 { break }
                let code = zmq_errno()
                if code == EINTR { continue }
                throw ZeroMQError(call: "zmq_send", code: code)
            }
        }
    }

    /// Receives one multipart message; nil when `dontWait` and nothing is queued.
    public func receive(dontWait: Bool = false) throws(ZeroMQError) -> [[UInt8]]? {
        switch try receive(dontWait: dontWait, limits: .unlimited) {
        case .message(let frames): return frames
        case .tooLarge, nil: return nil
        }
    }

    /// One multipart message as it came in, or only its size when it is over `limits`.
    public enum Received: Equatable {
        case message([[UInt8]])
        /// Over the limits: its frames were taken off the socket, counted and dropped uncopied.
        case tooLarge(frames: Int, bytes: Int)
    }

    /// Receives one multipart message; nil when `dontWait` and nothing is queued. A message with
    /// more frames or bytes than `limits` allow is read to its end (libzmq hands over a
    /// multipart message whole, so it must be taken off the socket) but nothing past the limit is
    /// copied.
    public func receive(dontWait: Bool = false, limits: WireLimits) throws(ZeroMQError) -> Received? {
        var frames: [[UInt8]] = []
        var count = 0
        var bytes = 0
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            let flags: Int32 = dontWait && count == 0 ? ZMQ_DONTWAIT : 0
            if zmq_msg_recv(&message, handle, flags) < 0 {
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN && count == 0 { return nil }
                throw ZeroMQError(call: "zmq_msg_recv", code: code)
            }
            let size = zmq_msg_size(&message)
            count += 1
            bytes += size
            if count <= limits.maxFrames && bytes <= limits.maxBytes {
                if size == 0 {
                    frames.append([])
                } else {
                    let start = zmq_msg_data(&message)!.assumingMemoryBound(to: UInt8.self)
                    frames.append(Array(UnsafeBufferPointer(start: start, count: size)))
                }
            } else if !frames.isEmpty {
                frames = []
            }
            if zmq_msg_more(&message) == 0 {
                if count > limits.maxFrames || bytes > limits.maxBytes { return .tooLarge(frames: count, bytes: bytes) }
                return .message(frames)
            }
        }
    }

    /// Waits until any of `sockets` can be read, up to `timeout` milliseconds (-1: forever).
    /// Returns, for each socket, whether it is readable.
    public static func pollReadable(_ sockets: [ZeroMQSocket], timeout: Int) throws(ZeroMQError) -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        while true {
            let count = zmq_poll(&items, Int32(items.count), timeout)
            if count >= 0 { break }
            let code = zmq_errno()
            if code == EINTR { continue }
            throw ZeroMQError(call: "zmq_poll", code: code)
        }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }

    private func check(_ call: String, _ result: Int32) throws(ZeroMQError) {
        if result != 0 { throw ZeroMQError(call: call, code: zmq_errno()) }
    }
}
