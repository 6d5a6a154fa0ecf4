import Neural

/// What `why` measured of a model: numbers only, so that the rules in `Findings.swift` can be
/// tested without a network.
struct ModelHealth: Equatable {
    /// Images the measurements used (the first ones of the test set, else of the training set).
    var sampled = 0
    /// Mean over pixels of the variance across images: of the inputs, and of their reconstructions.
    var inputSpread = 0.0
    var outputSpread = 0.0
    /// Whether every sampled input pixel lies in [0, 1] (MNIST's range).
    var pixelsInUnitRange = true
    /// Share of output pixels outside [-0.1, 1.1], when the inputs lie in [0, 1].
    var outputOutOfRange = 0.0
    /// The last layer's activation, the code's, and the loss and optimizer last trained with.
    var outputActivation = Activation.linear
    var codeActivation = Activation.linear
    /// Share of code values at their activation's limits (tanh and sigmoid codes only).
    var codeSaturation: Double?
    var loss = LossKind.mse
    var optimizer = "adam"
    var learningRate = 0.001
    /// ReLU layers and how many of their units (channels for a convolution) were zero for every
    /// sampled image.
    var deadUnits: [DeadUnits] = []
    /// A VAE's mean KL divergence per code dimension, from N(0, 1), in nats, and its activity:
    /// the variance across images of the dimension's mean (Burda et al.'s active units).
    var klPerDimension: [Double]?
    var activityPerDimension: [Double]?
    /// The loss history, the batch losses of the last `train`, and how it ended.
    var history: [EpochRecord] = []
    var recentBatchLosses: [Double] = []
    /// Mean loss of the model's first batches ever, and steps trained since.
    var firstLoss: Double?
    var steps = 0
    var lastStop: TrainingStop?

    struct DeadUnits: Equatable {
        /// The model line (1-based) and its text, e.g. "dense 256 relu".
        var line: Int
        var text: String
        var dead: Int
        var units: Int
        var share: Double { units > 0 ? Double(dead) / Double(units) : 0 }
    }

    /// How much the reconstructions vary from image to image, against how much the images do.
    var spreadRatio: Double { inputSpread > 0 ? outputSpread / inputSpread : 1 }
}
