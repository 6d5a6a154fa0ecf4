import Foundation

/// A raw pointer handed to worker threads that write disjoint parts of one buffer.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// Work split over the machine's cores: `body` gets disjoint contiguous ranges covering 0..<count.
func parallelRanges(
    _ count: Int, chunks: Int = ProcessInfo.processInfo.activeProcessorCount * 4, _ body: (Range<Int>) -> Void
) {
    let pieces = max(1, min(chunks, count))
    if pieces == 1 {
        body(0..<count)
        return
    }
    withoutActuallyEscaping(body) { work in
        let box = UncheckedBox(work)
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in
            let start = count * piece / pieces
            let end = count * (piece + 1) / pieces
            box.value(start..<end)
        }
    }
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
