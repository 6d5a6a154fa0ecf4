import CKernels
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A fixed team of threads for fork-join work: the engine's (a matrix product split in two, an
/// activation over a batch, an optimizer step) and the pictures' (t-SNE's forces, a kernel
/// matrix in bands). Its size is LATENT_THREADS if set, else one thread per core (at most 8).
///
/// Workers are woken by a spin on one atomic word, which costs well under a microsecond (the
/// engine uses the team to run single-threaded OpenBLAS calls side by side, and holds OpenBLAS
/// at one thread: see Neural's `ComputeTeam.engine`).
///
/// Workers spin for a short while after each job (training steps follow each other at once)
/// and then sleep on a condition variable, so an idle kernel uses no CPU.
///
/// A job's parts are claimed by whichever thread is free next, the caller included, so a
/// worker that the machine has put to sleep delays nothing: the caller does its parts. Results
/// never depend on which thread ran a part.
public final class ComputeTeam: @unchecked Sendable {
    /// The process's team: LATENT_THREADS threads if set, else one per core (at most 8).
    public static let shared = ComputeTeam(threads: ComputeTeam.defaultThreads)

    /// Threads that run a job's parts, the calling thread included.
    public var threads: Int { workers.count + 1 }

    // The job word: generation (high 32 bits), part count (next 16), next unclaimed part (low 16).
    private let word = Atomic<UInt64>(0)
    // Parts of the current job not yet finished.
    private let pending = Atomic<Int>(0)
    // Held by the thread that runs a job; a job started inside a job (or from a second thread)
    // runs on its caller alone.
    private let busy = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private var body: ((Int, Int) -> Void)?
    private var workers: [pthread_t] = []
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>

    /// Nanoseconds a worker spins for the next job before it sleeps.
    private static let spinNanoseconds: UInt64 = 200_000

    init(threads: Int) {
        lock = .allocate(capacity: 1)
        wake = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wake, nil)
        for _ in 1..<max(1, threads) { startWorker() }
    }

    static var defaultThreads: Int {
        if let text = getenv("LATENT_THREADS"), let n = Int(String(cString: text)), n >= 1 { return min(n, 64) }
        return max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }

    /// How a caller that has run out of parts to claim waits for those other threads still run.
    public enum Waiting: Sendable {
        /// On the core, noticing the end within a microsecond: for the engine's jobs, short and
        /// one after another.
        case spinning
        /// Giving the core away after a few microseconds: for jobs of long parts between
        /// stretches of serial work (the pictures'). On a busy machine a worker that the
        /// machine has paused then gets a core back sooner than if the caller spun on it (t-SNE
        /// of 5,000 digits ran 10-15% slower spinning, on two cores shared with other work).
        case yielding
    }

    /// Calls `body(part)` once for each part in 0..<parts, on the team's threads, and returns
    /// when all have finished. Parts must touch disjoint memory.
    public func run(parts: Int, waiting: Waiting = .spinning, _ body: (Int) -> Void) {
        run(parts: parts, waiting: waiting) { part, _ in body(part) }
    }

    /// The same, telling each call which thread runs it (0 is the caller, up to `threads` - 1),
    /// so that a part may use that thread's scratch memory.
    public func run(parts: Int, waiting: Waiting = .spinning, _ body: (_ part: Int, _ thread: Int) -> Void) {
        guard parts > 1, !workers.isEmpty, parts < 1 << 16,
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            for part in 0..<max(parts, 0) { body(part, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            self.body = body
            pending.store(parts, ordering: .relaxed)
            let generation = (word.load(ordering: .relaxed) >> 32) &+ 1
            word.store((generation << 32) | (UInt64(parts) << 16), ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(lock)
                pthread_cond_broadcast(wake)
                pthread_mutex_unlock(lock)
            }
            work(thread: 0)
            switch waiting {
            case .spinning:
                while pending.load(ordering: .acquiring) > 0 { ck_cpu_relax() }
            case .yielding:
                var spun = 0
                while pending.load(ordering: .acquiring) > 0 {
                    ck_cpu_relax()
                    spun += 1
                    if spun > 512 { sched_yield() }
                }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Splits 0..<count into at most `threads` ranges of at least `minimum` elements, starting
    /// at multiples of `alignment`, and runs `body` on each.
    public func forEachRange(
        _ count: Int, minimum: Int = 4096, alignment: Int = 16, _ body: (Range<Int>) -> Void
    ) {
        let parts = max(1, min(threads, count / max(minimum, 1)))
        if parts == 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let step = ((count + parts - 1) / parts + alignment - 1) / alignment * alignment
        let used = (count + step - 1) / step
        run(parts: used) { part in body((part * step)..<min(count, (part + 1) * step)) }
    }

    /// Splits 0..<count into `pieces` ranges of near-equal length (at most `count` of them;
    /// four a thread by default, so that a thread the machine pauses holds up little), and runs
    /// `body` on each, waiting `.yielding`: for long parts, such as the pictures'. Where the cuts
    /// fall depends on `pieces` and `count` alone.
    public func forEachPiece(_ count: Int, pieces: Int? = nil, _ body: (Range<Int>) -> Void) {
        let pieces = max(1, min(pieces ?? 4 * threads, count))
        if pieces == 1 {
            body(0..<count)
            return
        }
        run(parts: pieces, waiting: .yielding) { piece in
            body((count * piece / pieces)..<(count * (piece + 1) / pieces))
        }
    }

    /// Runs `body(item, range)` over 0..<sizes[item] for every item, cut into ranges of at most
    /// `chunk` elements (starting at multiples of it), all in one job: one wait for the whole set
    /// instead of one per item.
    public func forEachChunk(sizes: [Int], chunk: Int, _ body: (_ item: Int, _ range: Range<Int>) -> Void) {
        var pieces: [(item: Int, range: Range<Int>)] = []
        for (item, size) in sizes.enumerated() {
            for low in stride(from: 0, to: size, by: max(chunk, 1)) {
                pieces.append((item, low..<min(size, low + chunk)))
            }
        }
        run(parts: pieces.count) { part in body(pieces[part].item, pieces[part].range) }
    }

    /// CPU seconds the workers (not the callers) have used so far.
    func workerCPUSeconds() -> Double {
        workers.reduce(0) { total, thread in
            var clock = clockid_t()
            var t = timespec()
            guard pthread_getcpuclockid(thread, &clock) == 0, clock_gettime(clock, &t) == 0 else { return total }
            return total + Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
    }

    /// Claims and runs parts of the current job until none is left.
    private func work(thread: Int) {
        var current = word.load(ordering: .acquiring)
        while true {
            let parts = (current >> 16) & 0xFFFF, next = current & 0xFFFF
            guard next < parts else { return }
            let claim = word.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            guard claim.exchanged else {
                current = claim.original
                continue
            }
            body?(Int(next), thread)
            pending.subtract(1, ordering: .releasing)
            current = word.load(ordering: .acquiring)
        }
    }

    private func hasWork() -> Bool {
        let current = word.load(ordering: .sequentiallyConsistent)
        return current & 0xFFFF < (current >> 16) & 0xFFFF
    }

    private func workerLoop(thread: Int) {
        while true {
            var spun = 0
            let start = monotonicNanoseconds()
            while !hasWork() {
                ck_cpu_relax()
                spun += 1
                guard spun & 1023 == 0, monotonicNanoseconds() - start > ComputeTeam.spinNanoseconds else { continue }
                pthread_mutex_lock(lock)
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while !hasWork() { pthread_cond_wait(wake, lock) }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(lock)
            }
            work(thread: thread)
        }
    }

    private func startWorker() {
        let box = Unmanaged.passRetained(WorkerStart(team: self, thread: workers.count + 1)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(
            &thread, nil,
            { raw in
                let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
                start.team.workerLoop(thread: start.thread)
                return nil
            }, box)
        if created == 0 {
            pthread_detach(thread)
            workers.append(thread)
        } else {
            Unmanaged<WorkerStart>.fromOpaque(box).release()
        }
    }
}

private final class WorkerStart {
    let team: ComputeTeam
    let thread: Int
    init(team: ComputeTeam, thread: Int) {
        self.team = team
        self.thread = thread
    }
}

private func monotonicNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}
