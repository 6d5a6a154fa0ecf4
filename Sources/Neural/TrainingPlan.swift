/// What one layer's forward and backward do differently inside a training step: the fused paths
/// the model chose for it (see `TrainingPlan`). `.plain` is what evaluation runs.
struct LayerPlan: Equatable, Sendable {
    /// Forward stops before the activation and returns the pre-activations (logits): the loss
    /// applies the activation itself (bce after a final sigmoid, in its fused, stable form). The
    /// plan then sets `takesPreActivationGradient` too, since the loss hands back dL/d(logits).
    var emitsLogits = false
    /// Backward receives dL/d(pre-activation) and skips the activation's derivative: the loss
    /// has multiplied it in already, in the same pass over memory as its own gradient (or it took
    /// logits).
    var takesPreActivationGradient = false
    /// Backward leaves out the input-gradient columns of inputs that were zero for the whole
    /// batch (see ActiveInputs): the layer below is a ReLU dense layer, whose derivative is zero
    /// where its output (this layer's input) is, so those columns would be multiplied by zero.
    var leavesOutDeadInputGradients = false

    static let plain = LayerPlan()
}

/// The fused paths of a training step, worked out once per `train` (or `testLoss`) call: one
/// `LayerPlan` per layer of the model, and what the loss does for the last layer. The step
/// passes each layer its part (`Layer.forward(_:context:following:)`,
/// `Layer.backward(_:following:)`); nothing is set on the layers, so whatever runs between steps
/// (the progress hook reconstructing a few digits, a test loss) and evaluation (encode, decode,
/// reconstruct) see the plain paths.
struct TrainingPlan {
    let loss: LossKind
    /// One part per layer of the model, in order.
    let layers: [LayerPlan]
    /// Whether the loss is given the last layer's logits (bce after a final sigmoid).
    let lossTakesLogits: Bool
    /// The last layer's activation, whose derivative the loss multiplies into its gradient
    /// (`.linear`: none).
    let lossAppliesDerivative: Activation
}

extension Autoencoder {
    /// The plan of a training step with `loss`:
    /// - a dense layer right above a ReLU dense layer leaves out dead input-gradient columns
    ///   (this part depends on the layers alone);
    /// - with bce after a final sigmoid (a dense or activation layer), that layer emits logits
    ///   and the loss takes them;
    /// - otherwise the loss multiplies in the last layer's activation derivative, and that layer
    ///   takes dL/d(pre-activation).
    func trainingPlan(for loss: LossKind) -> TrainingPlan {
        var parts = [LayerPlan](repeating: .plain, count: layers.count)
        for index in layers.indices.dropFirst() {
            if let below = layers[index - 1] as? Dense, below.activation == .relu, layers[index] is Dense {
                parts[index].leavesOutDeadInputGradients = true
            }
        }
        var takesLogits = false
        var derivative = Activation.linear
        if let last = layers.last as? PlannedLayer {
            if loss == .bce && last.activation == .sigmoid {
                parts[parts.count - 1].emitsLogits = true
                parts[parts.count - 1].takesPreActivationGradient = true
                takesLogits = true
            } else if last.activation != .linear {
                parts[parts.count - 1].takesPreActivationGradient = true
                derivative = last.activation
            }
        }
        return TrainingPlan(loss: loss, layers: parts, lossTakesLogits: takesLogits, lossAppliesDerivative: derivative)
    }
}
