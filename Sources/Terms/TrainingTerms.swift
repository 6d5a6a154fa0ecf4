/// The words of training, defined once: `train` reads them, a model's settings save them (as
/// these same values, so saved files keep their form) and the engine trains with them.

/// The reconstruction losses (the engine's kernels are in Neural's Loss.swift).
public enum LossKind: String, Codable, Sendable, CaseIterable {
    /// Mean squared error.
    case mse
    /// Mean absolute error; a learner may also write `mae`.
    case l1
    /// Binary cross-entropy; targets in [0, 1].
    case bce

    /// The words a learner may write, in the order the language lists them.
    public static let words = ["mse", "l1", "mae", "bce"]

    public init?(word: String) {
        self.init(rawValue: word == "mae" ? "l1" : word)
    }

    /// Settings saved while `mae` was kept as written still load.
    public init(from decoder: any Decoder) throws {
        let word = try decoder.singleValueContainer().decode(String.self)
        guard let loss = LossKind(word: word) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "unknown loss \(word)"))
        }
        self = loss
    }
}

/// The optimizers by name (their constants are the engine's: Neural's OptimizerKind).
public enum OptimizerName: String, Codable, Sendable, CaseIterable {
    case adam, sgd, rmsprop
}

/// Corruption of the training inputs for a denoising autoencoder; the targets stay clean.
public enum InputNoise: Codable, Equatable, Sendable {
    case none
    /// x + σ·N(0, 1), clipped to [0, 1].
    case gaussian(Double)
    /// Each value set to 0 with this probability.
    case mask(Double)
}

/// How long one `train` runs.
public enum TrainingLength: Codable, Equatable, Sendable {
    /// Complete passes over the training set.
    case epochs(Int)
    /// Mini-batches; epochs end where they would, and a last part-epoch is recorded as such.
    case steps(Int)
}
