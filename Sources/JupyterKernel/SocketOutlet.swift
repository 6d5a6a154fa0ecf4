import CZeroMQ
import Foundation

/// The outlet of one thread that handles requests: replies go out on `replySocket` (control's
/// ROUTER itself; for shell, an inproc PUSH to the shell I/O thread, which owns the ROUTER),
/// broadcasts through its own inproc PUSH socket to the iopub thread, which owns the PUB socket.
final class SocketOutlet: MessageOutlet, @unchecked Sendable {
    private let replySocket: ZeroMQSocket
    private let iopub: IOPubFeed
    private let codec: WireCodec
    private let queue: RequestQueue?

    /// `queue`: where the requests waiting for this thread are, if it has one (shell).
    init(replySocket: ZeroMQSocket, iopub: IOPubFeed, codec: WireCodec, queue: RequestQueue? = nil) {
        self.replySocket = replySocket
        self.iopub = iopub
        self.codec = codec
        self.queue = queue
    }

    func reply(_ message: Message) {
        do {
            try replySocket.send(codec.encode(message))
        } catch {
            if !error.isTerminated { KernelLog.write("could not send \(message.msgType): \(error)") }
        }
    }

    func publish(_ message: Message) {
        iopub.publish(message)
    }

    /// What `setAsideQueued` took from the queue, for the shell thread to abort.
    private(set) var setAside: [Message] = []

    func setAsideQueued() {
        if let queue { setAside += queue.takeAll() }
    }

    func queuedCommIDs() -> Set<String> { queue?.queuedCommIDs() ?? [] }

    func takeSetAside() -> [Message] {
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
