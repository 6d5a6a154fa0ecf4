import CZeroMQ
import Foundation
import Session

/// The transport: binds the five sockets of a connection file and runs one thread per socket.
///
/// - heartbeat: REP, echoes every ping, never blocked by anything else;
/// - control: ROUTER, kernel_info / interrupt / shutdown while a cell runs;
/// - shell: ROUTER, read at once by its I/O thread, which checks and decodes each request and
///   queues it (`RequestQueue`) for the shell thread, which runs the interpreter; replies go
///   back through an inproc PUSH/PULL pair;
/// - stdin: ROUTER, read at once and dropped with a log line (the kernel never asks for input);
/// - iopub: XPUB, fed by shell and control through inproc PUSH/PULL; welcomes new subscribers;
/// - signals: SIGINT raises the interpreter's interruption flag through a self-pipe (the process
///   is never killed by it).
public final class KernelServer: @unchecked Sendable {
    let connection: ConnectionInfo
    let core: KernelCore
    let codec: WireCodec
    let interruption: InterruptFlag
    let context = ZeroMQContext()

    private let stopped = DispatchSemaphore(value: 0)
    private let iopubDone = DispatchSemaphore(value: 0)
    private let workersDone = DispatchGroup()
    private let outcomeLock = NSLock()
    private var outcome: KernelCore.Disposition = .shutdown(restart: false)

    public init(connection: ConnectionInfo, interpreter: Interpreter, history: HistoryStore, identity: KernelIdentity) {
        self.connection = connection
        codec = WireCodec(signer: MessageSigner(key: connection.key))
        core = KernelCore(interpreter: interpreter, factory: MessageFactory(), history: history, identity: identity)
        interruption = interpreter.interruption
    }

    /// Binds everything, serves until a shutdown request, then closes cleanly. Returns whether
    /// the client asked for a restart (the client starts the new process).
    public func run() throws(ZeroMQError) -> Bool {
        SignalWatcher.start(raising: interruption)
        ParentWatcher.start()
        let heartbeat = try makeSocket(.rep, port: connection.heartbeatPort, bounds: .heartbeat)
        let control = try makeSocket(.router, port: connection.controlPort, bounds: .control)
        let shell = try makeSocket(.router, port: connection.shellPort, bounds: .shell)
        let stdin = try makeSocket(.router, port: connection.stdinPort, bounds: .stdin)
        let iopub = try makeSocket(.xpub, port: connection.iopubPort, bounds: .iopub)
        try iopub.set(ZMQ_XPUB_VERBOSE, 1)
        let pull = try ZeroMQSocket(context, .pull)
        try pull.bind(IOPubFeed.endpoint)
        let controlFeed = try IOPubFeed(context: context, codec: codec)
        let shellFeed = try IOPubFeed(context: context, codec: codec)
        let shellReplies = try ZeroMQSocket(context, .pull)
        try shellReplies.bind(Self.shellRepliesEndpoint)
        let shellReplyFeed = try ZeroMQSocket(context, .push)
        try shellReplyFeed.set(ZMQ_LINGER, 1000)
        try shellReplyFeed.connect(Self.shellRepliesEndpoint)
        let requests = RequestQueue(maxCount: Self.shellQueueCount, maxBytes: Self.shellQueueBytes)

        startThread("latent-iopub") { self.forwardIOPub(pull: pull, iopub: iopub) }
        startWorker("latent-heartbeat") { self.echoHeartbeats(heartbeat) }
        startWorker("latent-control") { self.serve(control, channel: .control, feed: controlFeed) }
        startWorker("latent-shell-io") { self.readShell(shell, replies: shellReplies, into: requests) }
        startWorker("latent-shell") { self.runShell(requests, replies: shellReplyFeed, feed: shellFeed) }
        startWorker("latent-stdin") { self.drainStdin(stdin) }

        stopped.wait()
        // The iopub thread forwards what was queued before the stop (the shutdown reply, idle).
        _ = iopubDone.wait(timeout: .now() + 2)
        context.shutdown()
        // A cell that ignores the interruption flag cannot hold the process hostage.
        if workersDone.wait(timeout: .now() + 3) == .success {
            controlFeed.close()
            shellFeed.close()
            context.terminate()
        }
        outcomeLock.lock()
        defer { outcomeLock.unlock() }
        if case .shutdown(let restart) = outcome { return restart }
        return false
    }

    private func makeSocket(_ kind: ZeroMQSocket.Kind, port: Int, bounds: SocketBounds) throws(ZeroMQError)
        -> ZeroMQSocket
    {
        let socket = try ZeroMQSocket(context, kind)
        try socket.set(ZMQ_LINGER, 1000)
        try socket.set64(ZMQ_MAXMSGSIZE, bounds.maxFrameBytes)
        try socket.set(ZMQ_RCVHWM, bounds.receiveHWM)
        try socket.set(ZMQ_SNDHWM, bounds.sendHWM)
        if let secret = connection.curveSecretKey { try socket.makeCurveServer(secretKey: secret) }
        if connection.transport == "tcp" && connection.ip.contains(":") { try socket.set(ZMQ_IPV6, 1) }
        // A client that reconnects with the same identity (jupyter_client uses its session id)
        // takes the route over instead of being refused.
        if kind == .router { try socket.set(ZMQ_ROUTER_HANDOVER, 1) }
        try socket.bind(connection.endpoint(port: port))
        return socket
    }

    private func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func startWorker(_ name: String, _ body: @escaping @Sendable () -> Void) {
        workersDone.enter()
        startThread(name) {
            body()
            self.workersDone.leave()
        }
    }

    private func stop(_ disposition: KernelCore.Disposition, feed: IOPubFeed) {
        outcomeLock.lock()
        outcome = disposition
        outcomeLock.unlock()
        feed.sendStop()
        stopped.signal()
    }

    // MARK: - threads

    private func echoHeartbeats(_ socket: ZeroMQSocket) {
        defer { socket.close() }
        while true {
            do {
                switch try socket.receive(limits: SocketBounds.heartbeat.message) {
                case .message(let ping)?:
                    try socket.send(ping)
                case .tooLarge(let frames, let bytes)?:
                    refused(frames: frames, bytes: bytes, limits: SocketBounds.heartbeat.message, on: "heartbeat")
                    try socket.send([[]])  // REP must answer before it can receive again
                case nil:
                    continue
                }
            } catch {
                if !error.isTerminated { KernelLog.write("heartbeat: \(error)") }
                return
            }
        }
    }

    private func serve(_ socket: ZeroMQSocket, channel: Channel, feed: IOPubFeed) {
        defer { socket.close() }
        let outlet = SocketOutlet(replySocket: socket, iopub: feed, codec: codec)
        while true {
            let received: ZeroMQSocket.Received
            do {
                guard let next = try socket.receive(limits: .request) else { continue }
                received = next
            } catch {
                if !error.isTerminated { KernelLog.write("\(channel.rawValue): \(error)") }
                return
            }
            guard let request = decode(received, on: channel.rawValue) else { continue }
            if case .shutdown = dispatch(request, channel: channel, outlet: outlet, feed: feed) { return }
        }
    }

    static let shellRepliesEndpoint = "inproc://latent-shell-replies"
    /// The shell requests waiting while a cell runs: as many as libzmq's default queue would
    /// hold (a long notebook's "Run all", which an error then aborts), and 256 MiB of them.
    static let shellQueueCount = 1000
    static let shellQueueBytes = 256 << 20

    /// The shell I/O thread: reads the shell socket whenever something arrives, cell running or
    /// not, so that what fails its checks is dropped at once instead of waiting in ZeroMQ's
    /// queue; queues the rest for the shell thread and sends the shell thread's replies.
    private func readShell(_ shell: ZeroMQSocket, replies: ZeroMQSocket, into queue: RequestQueue) {
        defer {
            queue.close()
            replies.close()
            shell.close()
        }
        while true {
            do {
                // A full queue is not added to: libzmq's queue fills behind it and the senders wait.
                let full = queue.isFull
                let ready = try ZeroMQSocket.pollReadable(full ? [replies] : [replies, shell], timeout: full ? 50 : -1)
                if ready[0], let frames = try replies.receive(dontWait: true) {
                    do {
                        try shell.send(frames)
                    } catch  where !error.isTerminated {
                        KernelLog.write("shell: could not send a reply: \(error)")
                    }
                }
                if !full && ready[1], let received = try shell.receive(dontWait: true, limits: .request),
                    let request = decode(received, on: "shell")
                {
                    queue.push(request, size: receivedSize(received))
                }
            } catch {
                if !error.isTerminated { KernelLog.write("shell: \(error)") }
                return
            }
        }
    }

    private func receivedSize(_ received: ZeroMQSocket.Received) -> Int {
        switch received {
        case .message(let frames): return frames.reduce(0) { $0 + $1.count }
        case .tooLarge(_, let bytes): return bytes
        }
    }

    /// The shell thread: takes the queued requests in order and handles them; cells run here.
    private func runShell(_ queue: RequestQueue, replies: ZeroMQSocket, feed: IOPubFeed) {
        defer { replies.close() }
        let outlet = SocketOutlet(replySocket: replies, iopub: feed, codec: codec, queue: queue)
        while let request = queue.pop() {
            if case .shutdown = dispatch(request, channel: .shell, outlet: outlet, feed: feed) { return }
            if core.isAborting {
                // Abort the execute requests that were queued behind the failed cell: the core
                // had them set aside before it published the cell's idle, so a request sent in
                // answer to that idle, or to an abort reply, is not itself aborted.
                for request in outlet.takeSetAside() {
                    if case .shutdown = dispatch(request, channel: .shell, outlet: outlet, feed: feed) { return }
                }
                core.finishAborting()
            }
        }
    }

    /// Reads the stdin socket as fast as messages come, so that nothing piles up in it. The
    /// kernel never sends input_request (the language reads no input), so every message here is
    /// unasked for: it is logged and dropped, as ipykernel drops stale stdin messages before it
    /// asks for input.
    private func drainStdin(_ socket: ZeroMQSocket) {
        defer { socket.close() }
        let limits = SocketBounds.stdin.message
        while true {
            do {
                switch try socket.receive(limits: limits) {
                case .message(let frames)?:
                    switch codec.decode(frames, limits: limits) {
                    case .failure(let problem):
                        KernelLog.write("dropped message on stdin: \(problem)")
                    case .success(let message):
                        KernelLog.write(
                            "dropped \(KernelLog.quoted(message.msgType)) on stdin: the kernel asked for no input")
                    }
                case .tooLarge(let frames, let bytes)?:
                    refused(frames: frames, bytes: bytes, limits: limits, on: "stdin")
                case nil:
                    continue
                }
            } catch {
                if !error.isTerminated { KernelLog.write("stdin: \(error)") }
                return
            }
        }
    }

    private func refused(frames: Int, bytes: Int, limits: WireLimits, on socket: String) {
        let problem: WireError =
            frames > limits.maxFrames
            ? .tooManyFrames(frames, limit: limits.maxFrames) : .tooLarge(bytes: bytes, limit: limits.maxBytes)
        KernelLog.write("dropped message on \(socket): \(problem)")
    }

    /// The request in `received`, or nil after logging why it was refused.
    private func decode(_ received: ZeroMQSocket.Received, on socket: String) -> Message? {
        switch received {
        case .tooLarge(let frames, let bytes):
            refused(frames: frames, bytes: bytes, limits: .request, on: socket)
            return nil
        case .message(let frames):
            switch codec.decode(frames) {
            case .failure(let problem):
                KernelLog.write("dropped message on \(socket): \(problem)")
                return nil
            case .success(let request):
                return request
            }
        }
    }

    private func dispatch(_ request: Message, channel: Channel, outlet: SocketOutlet, feed: IOPubFeed)
        -> KernelCore.Disposition
    {
        let disposition = core.handle(request, on: channel, outlet: outlet)
        if case .shutdown = disposition {
            // The stop frame follows this thread's idle status down the same pipe.
            stop(disposition, feed: feed)
        }
        return disposition
    }

    private func forwardIOPub(pull: ZeroMQSocket, iopub: ZeroMQSocket) {
        defer {
            pull.close()
            iopub.close()
            iopubDone.signal()
        }
        let welcomeFactory = core.factory
        do {
            try iopub.send(codec.encode(topic(core.startingStatus())))
        } catch {
            KernelLog.write("iopub: \(error)")
        }
        while true {
            do {
                let ready = try ZeroMQSocket.pollReadable([pull, iopub], timeout: -1)
                if ready[1],
                    case .message(let subscription)? = try iopub.receive(
                        dontWait: true, limits: SocketBounds.iopub.message),
                    let frame = subscription.first, frame.first == 1
                {
                    // JEP 65: a subscriber learns it is connected, so it need not probe for it.
                    let topic = String(decoding: frame.dropFirst(), as: UTF8.self)
                    let welcome = welcomeFactory.message(
                        type: "iopub_welcome", content: ["subscription": .string(topic)], parent: nil, identities: [])
                    try iopub.send(codec.encode(self.topic(welcome)))
                }
                if ready[0], let frames = try pull.receive(dontWait: true) {
                    if frames == [IOPubFeed.stopFrame] { return }
                    try iopub.send(frames)
                }
            } catch {
                if !error.isTerminated { KernelLog.write("iopub: \(error)") }
                return
            }
        }
    }

    private func topic(_ message: Message) -> Message {
        var message = message
        message.identities = [Array("kernel.\(message.msgType)".utf8)]
        return message
    }
}

/// What each socket takes in. libzmq disconnects a peer that sends a frame over `maxFrameBytes`
/// (ZMQ_MAXMSGSIZE); `message` bounds one whole multipart message, which libzmq does not; the
/// high-water marks (ZMQ_RCVHWM, ZMQ_SNDHWM) bound the messages queued each way, counted in
/// messages. Past a full receive queue libzmq stops reading that peer's connection, so nothing
/// is lost, the sender waits; past a full send queue a ROUTER, REP or XPUB socket drops what it
/// would send to that peer. docs/kernel.md gives the reasons for each number.
struct SocketBounds {
    let maxFrameBytes: Int64
    let receiveHWM: Int32
    let sendHWM: Int32
    let message: WireLimits

    /// Every socket below is read at once by a thread of its own, so a short receive queue is
    /// plenty, and it bounds what a flood can pile up faster than the thread checks it (libzmq
    /// counts messages, not bytes); the shell requests waiting for a cell to end (a long
    /// notebook's "Run all") wait in the shell I/O thread's `RequestQueue` instead, checked.
    static let shell = SocketBounds(
        maxFrameBytes: Int64(WireLimits.request.maxBytes), receiveHWM: 10, sendHWM: 1000, message: .request)
    static let control = SocketBounds(
        maxFrameBytes: Int64(WireLimits.request.maxBytes), receiveHWM: 10, sendHWM: 100, message: .request)
    static let stdin = SocketBounds(
        maxFrameBytes: Int64(WireLimits.request.maxBytes), receiveHWM: 10, sendHWM: 100, message: .request)
    static let heartbeat = SocketBounds(
        maxFrameBytes: Int64(WireLimits.heartbeat.maxBytes), receiveHWM: 10, sendHWM: 100, message: .heartbeat)
    /// Subscriptions come in; the output goes out. A subscriber that stops reading loses what
    /// is past 1000 messages (PUB semantics) instead of the kernel keeping it.
    static let iopub = SocketBounds(
        maxFrameBytes: Int64(WireLimits.subscription.maxBytes), receiveHWM: 1000, sendHWM: 1000,
        message: .subscription)
}
