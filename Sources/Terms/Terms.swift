/// The words a model is made of, defined once: the parser reads them, the session passes them on
/// and the engine computes with them. Each case's raw value is what saved model files hold; a
/// learner writes `word`, which differs only where a file's spelling predates the language's.

/// The element-wise non-linearities (the engine's kernels are in Neural's Activation.swift), in
/// the order the language lists them.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case relu, sigmoid, tanh, linear
    /// max(x, 0.2 x).
    case leakyRelu = "leaky_relu"
    /// x for x > 0, e^x - 1 otherwise.
    case elu
    /// log(1 + e^x).
    case softplus

    /// The word a learner writes: `leakyrelu` for the file's `leaky_relu`.
    public var word: String { self == .leakyRelu ? "leakyrelu" : rawValue }

    public init?(word: String) {
        guard let match = Self.allCases.first(where: { $0.word == word }) else { return nil }
        self = match
    }
}

/// How a convolution treats the image's edge.
public enum Padding: String, Codable, Sendable, CaseIterable {
    case same, valid
}

/// What a pooling layer keeps of each window.
public enum PoolKind: String, Codable, Sendable, CaseIterable {
    case max, avg
}

/// How a model's first weights are drawn (`model NAME init SCHEME:`); the drawing is Neural's.
public enum Initializer: String, Codable, Sendable, CaseIterable {
    /// U(-limit, limit), limit = sqrt(6 / (fanIn + fanOut)); biases zero (Keras's start).
    case glorotUniform = "glorot"
    /// He/Kaiming normal: N(0, 2 / fanIn); biases zero.
    case kaimingNormal = "kaiming"
    /// PyTorch's default for Linear/Conv: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases.
    case pytorchDefault = "pytorch"
}
