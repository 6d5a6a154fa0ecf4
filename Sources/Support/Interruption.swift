import Foundation

/// How long work is stopped from outside: it asks a `ShouldStop` between its steps (a batch of
/// images, an iteration) and, when told to, throws `Interrupted` and leaves its inputs as they
/// were. The session answers `true` once the kernel has raised its interruption flag.
public typealias ShouldStop = () -> Bool

/// Work that is never stopped.
public func neverStop() -> Bool { false }

/// Thrown by work that stopped because it was asked to.
public struct Interrupted: Error, CustomStringConvertible, Sendable {
    public init() {}
    public var description: String { "interrupted" }
}

/// Runs `work` on a thread of its own and waits for it, asking `stop` every 10 ms. When `stop`
/// says so it throws `Interrupted` at once; the work runs on to its end and its result is
/// dropped. Only for work that shares nothing with what may run next (no compute team, no model,
/// no session state): one long library call, such as an eigen-decomposition or reading a file.
public func runAbandonable<T>(stop: ShouldStop, _ work: @escaping @Sendable () throws -> T) throws -> T {
    let outcome = AbandonableOutcome<T>()
    let thread = Thread {
        outcome.result = Result { try work() }
        outcome.done.signal()
    }
    thread.stackSize = 8 << 20  // LAPACK and zlib want more than a secondary thread's default
    thread.start()
    while outcome.done.wait(timeout: .now() + .milliseconds(10)) == .timedOut {
        if stop() { throw Interrupted() }
    }
    return try outcome.result!.get()
}

/// What an abandonable job hands back: written by its thread before `done` is signalled, read
/// only after it.
private final class AbandonableOutcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
    let done = DispatchSemaphore(value: 0)
}
