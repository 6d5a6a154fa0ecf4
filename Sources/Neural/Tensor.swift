/// A float32 tensor in batch-major, row-major layout: `shape[0]` is the batch, and the last
/// dimension varies fastest. Images are stored as (batch, height, width, channels), as Keras does.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "tensor data does not match its shape")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// Number of elements.
    public var count: Int { data.count }
    /// Size of the first (batch) dimension.
    public var batch: Int { shape.first ?? 0 }
    /// Shape of one sample: everything after the batch dimension.
    public var sampleShape: [Int] { Array(shape.dropFirst()) }
    /// Elements per sample.
    public var sampleSize: Int { sampleShape.reduce(1, *) }
}
