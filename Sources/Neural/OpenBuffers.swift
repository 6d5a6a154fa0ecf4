/// Several arrays' storage open at once without a pyramid of closures: one
/// `withUnsafe(Mutable)BufferPointer` frame per array, nested by recursion, and the buffers
/// handed to `body` together, in the arrays' order.

/// Calls `body` with the storage of every array of `arrays`, all open at once.
func withBuffers<Element, Result>(_ arrays: [[Element]], _ body: ([UnsafeBufferPointer<Element>]) -> Result) -> Result {
    var opened: [UnsafeBufferPointer<Element>] = []
    opened.reserveCapacity(arrays.count)
    func open(_ index: Int) -> Result {
        guard index < arrays.count else { return body(opened) }
        return arrays[index].withUnsafeBufferPointer { buffer in
            opened.append(buffer)
            return open(index + 1)
        }
    }
    return open(0)
}

extension [Parameter] {
    /// Calls `body` with every parameter's gradient open for writing, all at once.
    func withGradientPointers<Result>(_ body: ([UnsafeMutableBufferPointer<Float>]) -> Result) -> Result {
        var opened: [UnsafeMutableBufferPointer<Float>] = []
        opened.reserveCapacity(count)
        func open(_ index: Int) -> Result {
            guard index < count else { return body(opened) }
            return self[index].grad.data.withUnsafeMutableBufferPointer { gradient in
                opened.append(gradient)
                return open(index + 1)
            }
        }
        return open(0)
    }
}
