import Neural

/// What `why` needs of a model's training beyond its epoch history: the batch losses of the last
/// `train`, the loss it started from, and how the last `train` ended.
struct TrainingTrace {
    /// Batches whose mean is the loss a model starts from.
    static let firstBatches = 10
    /// Batch losses kept from the last `train`.
    static let kept = 200

    private(set) var recentBatchLosses: [Double] = []
    private(set) var firstLoss: Double?
    private var firstLosses: [Double] = []
    private(set) var lastStop: TrainingStop?
    /// The epoch's running mean after the previous batch.
    private var previousRunningLoss: Float = 0

    /// Starts a `train` call.
    mutating func begin() {
        recentBatchLosses.removeAll(keepingCapacity: true)
        lastStop = nil
    }

    /// Called after every batch with the epoch's running mean after `batch` batches: the batch's
    /// own loss is recovered from two consecutive means.
    mutating func record(runningLoss: Float, batch: Int) {
        let loss =
            batch <= 1
            ? Double(runningLoss)
            : Double(runningLoss) * Double(batch) - Double(previousRunningLoss) * Double(batch - 1)
        previousRunningLoss = runningLoss
        guard loss.isFinite else { return }
        if recentBatchLosses.count == Self.kept { recentBatchLosses.removeFirst() }
        recentBatchLosses.append(loss)
        if firstLoss == nil {
            firstLosses.append(loss)
            if firstLosses.count == Self.firstBatches {
                firstLoss = firstLosses.reduce(0, +) / Double(Self.firstBatches)
            }
        }
    }

    mutating func end(_ stop: TrainingStop) { lastStop = stop }
}
