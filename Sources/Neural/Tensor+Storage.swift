import Support

/// Construction, reshaping and batch slicing: the few tensor operations that are not layers.
extension Tensor {
    /// A tensor whose elements are all `value`.
    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor from outside data, checked: a `ShapeError` naming both sizes rather than a trap
    /// when `data` does not fill `shape`.
    public init(checkedShape shape: [Int], data: [Float]) throws {
        let expected = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), expected == data.count else {
            throw ShapeError(
                "a tensor of shape \(Tensor.describe(shape)) needs \(expected) values but got \(data.count)")
        }
        self.init(shape: shape, data: data)
    }

    /// A tensor whose elements are written by `fill` before anyone reads them
    /// (saves zeroing buffers that a GEMM with beta 0 overwrites anyway).
    init(shape: [Int], filling fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            fill(buffer)
            initialised = count
        }
        self.init(shape: shape, data: data)
    }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let newCount = newShape.reduce(1, *)
        guard newCount == count, newShape.allSatisfy({ $0 >= 0 }) else {
            throw ShapeError(
                "cannot reshape \(Tensor.describe(shape)) (\(count) values) to \(Tensor.describe(newShape)) (\(newCount) values)"
            )
        }
        return Tensor(shape: newShape, data: data)
    }

    /// The same elements with the batch dimension kept and each sample given `sampleShape`.
    public func reshapedSamples(_ sampleShape: [Int]) throws -> Tensor {
        try reshaped([batch] + sampleShape)
    }

    /// Samples `range` of the batch, copied; a range outside the batch is a `ShapeError`.
    public func samples(in range: Range<Int>) throws -> Tensor {
        guard range.lowerBound >= 0, range.upperBound <= batch else {
            throw ShapeError("samples \(range.lowerBound)..<\(range.upperBound) asked of a batch of \(batch)")
        }
        return samples(range)
    }

    /// Samples `range` of the batch, copied (the range must lie within the batch).
    public func samples(_ range: Range<Int>) -> Tensor {
        let size = sampleSize
        precondition(range.lowerBound >= 0 && range.upperBound <= batch, "sample range out of bounds")
        return Tensor(
            shape: [range.count] + sampleShape, data: Array(data[range.lowerBound * size..<range.upperBound * size]))
    }

    /// The samples at `indices`, in that order (mini-batch assembly from a shuffled order).
    public func gathering(_ indices: ArraySlice<Int>) -> Tensor {
        let size = sampleSize
        return Tensor(shape: [indices.count] + sampleShape) { out in
            data.withUnsafeBufferPointer { source in
                indices.withUnsafeBufferPointer { chosen in
                    // Rows come from all over a large set (cache misses): two threads fetch twice as fast.
                    let (from, to, picks) = (source.baseAddress!, out.baseAddress!, chosen.baseAddress!)
                    ComputeTeam.engine.forEachRange(chosen.count, minimum: max(1, 16_384 / max(size, 1)), alignment: 1)
                    {
                        for row in $0 { (to + row * size).update(from: from + picks[row] * size, count: size) }
                    }
                }
            }
        }
    }

    /// "28x28x1" for [28, 28, 1] ("scalar" for []): how shapes are written everywhere, in the
    /// engine's messages and in the session's summaries and diagnostics.
    public static func describe(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "x")
    }
}
