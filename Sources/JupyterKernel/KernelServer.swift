import CZeroMQ
import Foundation
import Session

/// The transport: binds the five sockets of a connection file and runs one thread per socket.
///
/// - heartbeat: REP, echoes every ping, never blocked by anything else;
/// - control: ROUTER, kernel_info / interrupt / shutdown while a cell runs;
/// - shell: ROUTER, runs the interpreter; also owns the (unused) stdin ROUTER;
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
        let heartbeat = try makeSocket(.rep, port: connection.heartbeatPort)
        let control = try makeSocket(.router, port: connection.controlPort)
        let shell = try makeSocket(.router, port: connection.shellPort)
        let stdin = try makeSocket(.router, port: connection.stdinPort)
        let iopub = try makeSocket(.xpub, port: connection.iopubPort)
        try iopub.set(ZMQ_XPUB_VERBOSE, 1)
        let pull = try ZeroMQSocket(context, .pull)
        try pull.bind(IOPubFeed.endpoint)
        let controlFeed = try IOPubFeed(context: context, codec: codec)
        let shellFeed = try IOPubFeed(context: context, codec: codec)

        startThread("latent-iopub") { self.forwardIOPub(pull: pull, iopub: iopub) }
        startWorker("latent-heartbeat") { self.echoHeartbeats(heartbeat) }
        startWorker("latent-control") { self.serve(control, channel: .control, feed: controlFeed) }
        startWorker("latent-shell") {
            self.serve(shell, channel: .shell, feed: shellFeed)
            stdin.close()
        }

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

    private func makeSocket(_ kind: ZeroMQSocket.Kind, port: Int) throws(ZeroMQError) -> ZeroMQSocket {
        let socket = try ZeroMQSocket(context, kind)
        try socket.set(ZMQ_LINGER, 1000)
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
                guard let ping = try socket.receive() else { continue }
                try socket.send(ping)
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
            let frames: [[UInt8]]
            do {
                guard let received = try socket.receive() else { continue }
                frames = received
            } catch {
                if !error.isTerminated { KernelLog.write("\(channel.rawValue): \(error)") }
                return
            }
            if case .shutdown = handle(frames, channel: channel, outlet: outlet, feed: feed) {
                return
            }
            if channel == .shell && core.isAborting {
                // Abort the execute requests already queued behind the failed cell, then resume.
                // They are taken off the socket before any abort reply goes out, so a request
                // sent in answer to an abort reply is not itself aborted.
                var queued: [[[UInt8]]] = []
                while let next = try? socket.receive(dontWait: true) { queued.append(next) }
                for frames in queued {
                    if case .shutdown = handle(frames, channel: channel, outlet: outlet, feed: feed) { return }
                }
                core.finishAborting()
            }
        }
    }

    private func handle(_ frames: [[UInt8]], channel: Channel, outlet: SocketOutlet, feed: IOPubFeed)
        -> KernelCore.Disposition
    {
        switch codec.decode(frames) {
        case .failure(let problem):
            KernelLog.write("dropped message on \(channel.rawValue): \(problem)")
            return .carryOn
        case .success(let request):
            let disposition = core.handle(request, on: channel, outlet: outlet)
            if case .shutdown = disposition {
                // The stop frame follows this thread's idle status down the same pipe.
                stop(disposition, feed: feed)
            }
            return disposition
        }
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
                if ready[1], let subscription = try iopub.receive(dontWait: true), let frame = subscription.first,
                    frame.first == 1
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
