import Support

#if canImport(Glibc)
    import Glibc
#endif

/// Splits a batch into chunks of whole samples and runs them on a fixed number of threads.
///
/// Why: a convolution's im2col buffer for a whole batch of 200 images is tens of megabytes; in
/// chunks of a few samples it stays in the core's L2 cache, and two workers (the machine's two
/// cores, the compute team) take chunks in turn, whichever is free next (on a shared machine a
/// static split would leave one worker waiting for the other). Gradients summed
/// over samples are kept per chunk and added in chunk order afterwards, so the result does not
/// depend on which worker took which chunk: same seed, same result, bit for bit.
struct BatchChunks {
    let samples: Int
    let samplesPerChunk: Int
    let workers: Int

    var chunkCount: Int { (samples + samplesPerChunk - 1) / samplesPerChunk }

    /// `floatsPerSample` is the scratch one sample needs; chunks aim at `targetFloats` of it.
    init(samples: Int, floatsPerSample: Int, targetFloats: Int = BatchChunks.targetFloats) {
        self.samples = samples
        let perChunk = max(1, targetFloats / max(1, floatsPerSample))
        let threads = max(1, min(BatchChunks.threads, samples))
        // Enough chunks that every worker has work.
        samplesPerChunk = max(1, min(perChunk, (samples + threads - 1) / threads))
        // Scratch for every thread of the team: any of them may take a chunk.
        workers = max(1, BatchChunks.threads)
    }

    func range(ofChunk chunk: Int) -> Range<Int> {
        let low = chunk * samplesPerChunk
        return low..<min(samples, low + samplesPerChunk)
    }

    /// Calls `body(worker, chunk, samples)` once for every chunk; `worker` (below `workers`)
    /// names the scratch the call may use, `chunk` (below `chunkCount`) its slot for partial sums.
    func run(_ body: (_ worker: Int, _ chunk: Int, _ samples: Range<Int>) -> Void) {
        ComputeTeam.engine.run(parts: chunkCount) { chunk, thread in body(thread, chunk, range(ofChunk: chunk)) }
    }

    /// Threads for batch-parallel work: the compute team's.
    static var threads: Int { ComputeTeam.engine.threads }

    /// Scratch per chunk, in floats: LATENT_CONV_CHUNK_FLOATS, else 256K floats (1 MiB, the L2 size).
    static let targetFloats: Int = {
        if let text = getenv("LATENT_CONV_CHUNK_FLOATS"), let n = Int(String(cString: text)), n >= 1 { return n }
        return 1 << 18
    }()
}

/// Per-worker scratch memory kept by a layer between calls, so that the hot loops neither
/// allocate nor zero-fill. Slot s of worker w is a separate buffer of at least the reserved size,
/// plus `slack` floats after it, so that vector copies may read and write past a run's end.
final class Scratch {
    static let slack = 16

    private var buffers: [[UnsafeMutablePointer<Float>]] = []
    private var capacities: [[Int]] = []

    /// Pointers for `workers` x `sizes.count` buffers, grown when too small. Contents are undefined.
    func reserve(workers: Int, sizes: [Int]) -> [[UnsafeMutablePointer<Float>]] {
        while buffers.count < workers {
            buffers.append([])
            capacities.append([])
        }
        for w in 0..<workers {
            while buffers[w].count < sizes.count {
                buffers[w].append(UnsafeMutablePointer<Float>.allocate(capacity: 1))
                capacities[w].append(1)
            }
            for (s, size) in sizes.enumerated() where capacities[w][s] < size {
                buffers[w][s].deallocate()
                buffers[w][s] = UnsafeMutablePointer<Float>.allocate(capacity: size + Scratch.slack)
                capacities[w][s] = size
            }
        }
        return Array(buffers[0..<workers].map { Array($0[0..<sizes.count]) })
    }

    deinit {
        for row in buffers { for buffer in row { buffer.deallocate() } }
    }
}

/// A float array of `count` elements left uninitialised, for outputs that are fully written next.
func uninitializedFloats(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
