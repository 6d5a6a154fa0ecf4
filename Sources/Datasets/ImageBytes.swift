import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The bytes images are read from: a cache file mapped read-only (every kernel on the machine
/// shares its pages) or, when no cache can be written, a buffer of this process's own.
public final class ImageBytes: @unchecked Sendable {
    public let base: UnsafeRawPointer
    public let count: Int
    /// The mapped file, nil for a buffer in memory.
    public let mappedPath: String?
    /// Why the bytes are not shared (set for a buffer in memory), for the learner.
    public let note: String?
    private let release: () -> Void
    private let noteTaken = Mutex(false)

    /// Maps `length` bytes of the open file `descriptor` read-only (the descriptor may be closed after).
    init(mapping descriptor: Int32, length: Int, path: String) throws {
        guard let address = mmap(nil, max(length, 1), PROT_READ, MAP_SHARED, descriptor, 0), address != MAP_FAILED
        else {
            throw DataFileError.unreadable(path: path, reason: "cannot map it: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(address)
        count = length
        mappedPath = path
        note = nil
        release = { munmap(address, max(length, 1)) }
    }

    /// A buffer of this process's own holding `bytes`.
    public init(copying bytes: UnsafeRawBufferPointer, note: String?) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        if let source = bytes.baseAddress { buffer.copyMemory(from: source, byteCount: bytes.count) }
        base = UnsafeRawPointer(buffer)
        count = bytes.count
        mappedPath = nil
        self.note = note
        release = { buffer.deallocate() }
    }

    deinit { release() }

    /// `note` the first time it is asked for, then nil: a learner is told once per kernel.
    public func takeNote() -> String? {
        noteTaken.withLock { taken in
            defer { taken = true }
            return taken ? nil : note
        }
    }

    /// The bytes `range`, valid while this object lives.
    public func buffer(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return UnsafeBufferPointer(
            start: base.assumingMemoryBound(to: UInt8.self) + range.lowerBound, count: range.count)
    }
}
