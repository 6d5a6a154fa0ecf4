import CZeroMQ
import Foundation

/// The outlet of one socket-owning thread: replies go out on that thread's own ROUTER socket,
/// broadcasts through its own inproc PUSH socket to the iopub thread, which owns the PUB socket.
final class SocketOutlet: MessageOutlet, @unchecked Sendable {
    private let replySocket: ZeroMQSocket
    private let iopub: IOPubFeed
    private let codec: WireCodec

    init(replySocket: ZeroMQSocket, iopub: IOPubFeed, codec: WireCodec) {
        self.replySocket = replySocket
        self.iopub = iopub
        self.codec = codec
    }

    func reply(_ message: Message) {
        do {
            try replySocket.send(codec.encode(message))
        } catch {
            KernelLog.write("could not send \(message.msgType): \(error)")
        }
    }

    func publish(_ message: Message) {
        iopub.publish(message)
    }

    /// What `setAsideQueued` took off the socket, for the serve loop to abort.
    private(set) var setAside: [ZeroMQSocket.Received] = []

    /// Runs on the thread that owns the socket (the one handling the request), like `reply`.
    func setAsideQueued() {
        while let next = try? replySocket.receive(dontWait: true, limits: .request) { setAside.append(next) }
    }

    func takeSetAside() -> [ZeroMQSocket.Received] {
        defer { setAside = [] }
        return setAside
    }
}

/// One producer's end of the inproc pipe into the iopub thread. Messages are signed here, on the
/// producing thread; the iopub thread only forwards frames. The lock lets the interpreter call
/// its output sink from a helper thread of its own without sharing the socket unsafely.
final class IOPubFeed: @unchecked Sendable {
    static let endpoint = "inproc://latent-iopub"
    static let stopFrame: [UInt8] = Array("latent-stop".utf8)

    private let socket: ZeroMQSocket
    private let codec: WireCodec
    private let lock = NSLock()

    init(context: ZeroMQContext, codec: WireCodec) throws(ZeroMQError) {
        socket = try ZeroMQSocket(context, .push)
        try socket.set(ZMQ_LINGER, 1000)
        try socket.connect(Self.endpoint)
        self.codec = codec
    }

    func publish(_ message: Message) {
        var message = message
        // The topic frame lets subscribers filter; jupyter_client subscribes to everything.
        message.identities = [Array("kernel.\(message.msgType)".utf8)]
        let frames = codec.encode(message)
        lock.withLock {
            do {
                try socket.send(frames)
            } catch {
                KernelLog.write("could not queue \(message.msgType) for iopub: \(error)")
            }
        }
    }

    /// Tells the iopub thread to forward what it has and stop.
    func sendStop() {
        lock.withLock { try? socket.send([Self.stopFrame]) }
    }

    func close() {
        lock.withLock { socket.close() }
    }
}
