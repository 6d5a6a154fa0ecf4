/// Optional abilities a layer can have beyond the `Layer` protocol. The model looks for them
/// with `as?`, so a layer adopts only what it needs.

/// A layer that adds a term of its own to the training loss (a VAE's KL divergence, a
/// sparsity penalty). `forward` computes the term for its batch; `backward` adds the term's
/// gradient to the gradient it passes down. The term is already scaled to the model's loss
/// convention (mean over the batch).
public protocol AuxiliaryLossLayer: Layer {
    /// The term computed by the last `forward`.
    var auxiliaryLoss: Float { get }
}

/// A layer that ends in an activation the loss can take over: with binary cross-entropy after
/// a sigmoid, the model asks the last layer for logits and applies a fused, stable
/// sigmoid + cross-entropy (see Loss.swift).
public protocol LogitsEmittingLayer: Layer {
    var activation: Activation { get }
    /// When true, `forward` returns pre-activations and `backward` expects dL/d(pre-activation).
    var emitsLogits: Bool { get set }
    /// When true, `forward` applies the activation as usual but `backward` expects
    /// dL/d(pre-activation): the loss has multiplied in the activation's derivative already, in
    /// the same pass over memory as its own gradient.
    var takesPreActivationGradient: Bool { get set }
}

/// A layer that can skip computing dL/d(input) (the model's first layer: nobody needs it).
public protocol InputGradientSkippingLayer: Layer {
    var computesInputGradient: Bool { get set }
}
