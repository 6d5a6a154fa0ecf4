import Foundation

/// The shell requests that the shell I/O thread has read, checked and decoded, waiting for the
/// shell thread, which may be running a cell for minutes. Only signed, well-formed messages get
/// here, so what an attacker without the key sends is dropped as it arrives instead of waiting
/// in ZeroMQ's queue for the cell to end. Bounded in messages and bytes: when it is full the
/// I/O thread stops reading the socket, libzmq's own queue (ZMQ_RCVHWM) fills, and then the
/// senders wait.
final class RequestQueue: @unchecked Sendable {
    let maxCount: Int
    let maxBytes: Int
    private let condition = NSCondition()
    private var items: [(message: Message, size: Int)] = []
    private var head = 0
    private var bytes = 0
    private var closed = false

    init(maxCount: Int, maxBytes: Int) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
    }

    var isFull: Bool {
        condition.withLock { items.count - head >= maxCount || bytes >= maxBytes }
    }

    /// `size`: the bytes of the frames it came in.
    func push(_ message: Message, size: Int) {
        condition.withLock {
            items.append((message, size))
            bytes += size
            condition.signal()
        }
    }

    /// The oldest request, waiting for one; nil once the queue is closed (the kernel is
    /// stopping: what is left is not answered).
    func pop() -> Message? {
        condition.withLock {
            while head == items.count && !closed { condition.wait() }
            guard !closed else { return nil }
            let (message, size) = items[head]
            head += 1
            bytes -= size
            if head == items.count {
                items.removeAll(keepingCapacity: items.count < 1024)
                head = 0
            }
            return message
        }
    }

    /// Everything queued, oldest first, without waiting.
    func takeAll() -> [Message] {
        condition.withLock {
            let taken = items[head...].map(\.message)
            items.removeAll()
            head = 0
            bytes = 0
            return taken
        }
    }

    /// The comms the waiting comm_msg requests are for.
    func queuedCommIDs() -> Set<String> {
        condition.withLock {
            var ids = Set<String>()
            for (message, _) in items[head...] where message.msgType == "comm_msg" {
                if let id = message.content["comm_id"]?.stringValue { ids.insert(id) }
            }
            return ids
        }
    }

    /// Wakes the shell thread for good: pop returns nil from now on.
    func close() {
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }
}
