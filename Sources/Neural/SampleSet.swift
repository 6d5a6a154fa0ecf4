import Support

/// Samples the engine trains and tests on, given out as Float32 tensors a batch or a chunk at a
/// time: a `Tensor` in memory, or `ByteSamples` (images kept as bytes and scaled as gathered).
public protocol SampleSet: Sendable {
    /// Number of samples.
    var batch: Int { get }
    /// Shape of one sample.
    var sampleShape: [Int] { get }
    /// The samples at `indices`, in that order (mini-batch assembly from a shuffled order).
    func gathering(_ indices: ArraySlice<Int>) -> Tensor
    /// Samples `range` (within the set).
    func samples(_ range: Range<Int>) -> Tensor
}

extension Tensor: SampleSet {}

/// Samples stored as bytes 0...255 (an image file's pixels, perhaps mapped from a cache shared
/// by every kernel), handed out as `byte * (1/255)` Float32s as they are gathered, the same
/// floats as converting the whole set first. `rows` picks the samples (nil: `batch` samples in a
/// row from `base`), so a slice or a label's images need no copy.
public struct ByteSamples: SampleSet, @unchecked Sendable {
    public let batch: Int
    public let sampleShape: [Int]
    private let base: UnsafePointer<UInt8>
    private let rows: [Int]?
    /// Whatever keeps `base` alive (a mapping, a buffer).
    private let owner: AnyObject

    public init(base: UnsafePointer<UInt8>, rows: [Int]?, count: Int, sampleShape: [Int], owner: AnyObject) {
        precondition(rows == nil || rows!.count == count)
        self.base = base
        self.rows = rows
        self.batch = count
        self.sampleShape = sampleShape
        self.owner = owner
    }

    /// The scale every byte is multiplied by: the one constant the Float32 pixels always had.
    public static let scale: Float = 1.0 / 255.0

    public func gathering(_ indices: ArraySlice<Int>) -> Tensor {
        let size = sampleShape.reduce(1, *)
        return Tensor(shape: [indices.count] + sampleShape) { out in
            indices.withUnsafeBufferPointer { chosen in
                let (to, picks) = (out.baseAddress!, chosen.baseAddress!)
                // Rows come from all over a large set (cache misses): two threads fetch twice as fast.
                ComputeTeam.engine.forEachRange(chosen.count, minimum: max(1, 16_384 / max(size, 1)), alignment: 1) {
                    for row in $0 {
                        let from = base + (rows.map { $0[picks[row]] } ?? picks[row]) * size
                        Self.scale(from, into: to + row * size, count: size)
                    }
                }
            }
        }
    }

    public func samples(_ range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= batch, "sample range out of bounds")
        return gathering(ArraySlice(Array(range)))
    }

    @inline(__always)
    static func scale(_ from: UnsafePointer<UInt8>, into to: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { to[i] = Float(from[i]) * scale }
    }
}
