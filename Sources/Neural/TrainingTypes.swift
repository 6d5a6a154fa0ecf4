// InputNoise and TrainingLength are Terms': the language reads them, settings save them.

/// How long and how to train.
public struct TrainingOptions: Sendable {
    public var length: TrainingLength
    public var batchSize: Int
    public var loss: LossKind
    public var optimizer: OptimizerKind
    public var learningRate: Float
    public var noise: InputNoise
    /// When set, the model's training generator (shuffles, dropout, sampling, noise) is
    /// reseeded before training: the same seed on the same model gives the same result, bit for bit.
    public var seed: UInt64?
    /// Whether to compute the test loss after every epoch (when a test set is given).
    public var testsEachEpoch: Bool

    /// Mini-batches in one pass over `samples` (the last one may be short).
    public func batchesPerEpoch(samples: Int) -> Int {
        let size = max(1, min(batchSize, samples))
        return (samples + size - 1) / size
    }

    public init(
        length: TrainingLength = .epochs(1), batchSize: Int = 200, loss: LossKind = .mse,
        optimizer: OptimizerKind = .adam(),
        learningRate: Float = 1e-3, noise: InputNoise = .none, seed: UInt64? = nil, testsEachEpoch: Bool = true
    ) {
        self.length = length
        self.batchSize = batchSize
        self.loss = loss
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.noise = noise
        self.seed = seed
        self.testsEachEpoch = testsEachEpoch
    }
}

/// What the hook between batches sees.
public struct TrainingProgress: Sendable {
    /// The model's epoch number (1-based, counting earlier training).
    public var epoch: Int
    /// Batch within the epoch, 1-based.
    public var batch: Int
    public var batchesPerEpoch: Int
    /// Steps done in this call, and planned for it.
    public var step: Int
    public var totalSteps: Int
    /// Mean training loss over this epoch's batches so far.
    public var runningLoss: Float
    /// Seconds since this call began.
    public var seconds: Double
}

/// One epoch's (or part-epoch's) figures; stored in the model's history.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    /// Mean of the batch losses over the epoch, in the model's loss convention.
    public var trainLoss: Float
    /// Loss on the test set after the epoch (nil without a test set, or when stopped early).
    public var testLoss: Float?
    public var seconds: Double
    public var batches: Int
    /// False for a part-epoch (steps, interruption, divergence).
    public var complete: Bool
    /// The loss this record measures (mse, l1 or bce).
    public var loss: LossKind

    public init(
        epoch: Int, trainLoss: Float, testLoss: Float?, seconds: Double, batches: Int, complete: Bool, loss: LossKind
    ) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.seconds = seconds
        self.batches = batches
        self.complete = complete
        self.loss = loss
    }
}

/// Why a training call ended.
public enum TrainingStop: Equatable, Sendable {
    case finished
    /// The hook asked to stop after this batch; the model keeps what it learned.
    case interrupted(epoch: Int, batch: Int)
    /// The loss or a gradient became NaN or infinite at this step (counted over the model's life).
    case diverged(epoch: Int, batch: Int, step: Int)
}

public struct TrainingReport: Sendable {
    /// Records added to the history by this call.
    public var records: [EpochRecord]
    public var stop: TrainingStop
    /// Steps done in this call.
    public var steps: Int
    /// A sentence for the learner about how it ended.
    public var message: String
}

/// Reconstruction quality on a set, each as a mean per pixel (outputs of a VAE from its mean).
public struct Evaluation: Equatable, Sendable {
    public var mse: Float
    public var l1: Float
    public var bce: Float
    /// 10 log10(1 / mse): peak signal-to-noise ratio in dB for values in [0, 1], from the
    /// mean squared error over the whole set.
    public var psnr: Float
    public var count: Int
}
