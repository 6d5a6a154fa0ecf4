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

/// A layer with fused paths a training step can choose (see TrainingPlan.swift): it ends in an
/// activation the loss can take over, and its forward and backward take their part of the plan.
/// Its plain `forward` and `backward` are those of the `.plain` part.
protocol PlannedLayer: Layer {
    var activation: Activation { get }
    func forward(_ input: Tensor, context: ForwardContext, plan: LayerPlan) throws -> Tensor
    func backward(_ outputGradient: Tensor, plan: LayerPlan) throws -> Tensor
}

extension Layer {
    /// `forward` with this layer's part of a training plan. A plan marks only planned layers, so
    /// any other layer has a plain part and runs its own `forward`.
    func forward(_ input: Tensor, context: ForwardContext, following part: LayerPlan) throws -> Tensor {
        guard part != .plain, let planned = self as? PlannedLayer else { return try forward(input, context: context) }
        return try planned.forward(input, context: context, plan: part)
    }

    /// `backward` with this layer's part of a training plan (the part its `forward` was given).
    func backward(_ outputGradient: Tensor, following part: LayerPlan) throws -> Tensor {
        guard part != .plain, let planned = self as? PlannedLayer else { return try backward(outputGradient) }
        return try planned.backward(outputGradient, plan: part)
    }
}

/// A layer that can skip computing dL/d(input) (the model's first layer: nobody needs it).
public protocol InputGradientSkippingLayer: Layer {
    var computesInputGradient: Bool { get set }
}
