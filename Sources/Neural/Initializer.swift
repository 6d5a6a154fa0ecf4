/// How fresh weights are drawn. Keras's default (Glorot-uniform weights, zero biases) is the
/// project default, because the seed tutorials were written in Keras and several of their models
/// do not learn under PyTorch's default (see docs/engine.md).
public enum Initializer: String, Sendable, CaseIterable {
    /// U(-limit, limit), limit = sqrt(6 / (fanIn + fanOut)); biases zero.
    case glorotUniform = "glorot"
    /// He/Kaiming normal: N(0, 2 / fanIn); biases zero.
    case kaimingNormal = "kaiming"
    /// PyTorch's default for Linear/Conv: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases.
    case pytorchDefault = "pytorch"
}
