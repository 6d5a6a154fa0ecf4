/// The reconstruction losses. Each compares an output with a target element by element.
public enum LossKind: String, Codable, Sendable, CaseIterable {
    /// Mean squared error.
    case mse
    /// Mean absolute error (also called mae).
    case l1
    /// Binary cross-entropy; targets in [0, 1].
    case bce
}

/// How element losses are combined into the reported number (see docs/engine.md).
public enum LossReduction: Sendable {
    /// Mean over every element of the batch: Keras's convention, "per pixel".
    case meanPerElement
    /// Summed over each sample's elements, averaged over the batch: "per image", as PyTorch's
    /// VAE example reports its loss (the KL term is per image too).
    case sumPerSample
}

/// Loss values and gradients. For bce the output may be given as logits (the pre-sigmoid
/// values of a final sigmoid layer): then loss and gradient are the fused, stable forms
/// max(z, 0) - z t + log(1 + e^{-|z|}) and σ(z) - t. Given probabilities instead, they are
/// clamped to [1e-7, 1 - 1e-7] first, as Keras does, so log never sees 0.
public enum Loss {
    /// Smallest distance from 0 and 1 at which probabilities enter bce.
    public static let probabilityClamp: Float = 1e-7

    /// The loss of `output` against `target` (same element count).
    public static func value(
        _ kind: LossKind, output: Tensor, target: Tensor, reduction: LossReduction, outputIsLogits: Bool = false
    ) throws -> Float {
        try compute(kind, output: output, target: target, reduction: reduction, logits: outputIsLogits, gradient: nil)
    }

    /// The loss and dL/d(output) (or dL/d(logits)).
    public static func valueAndGradient(
        _ kind: LossKind, output: Tensor, target: Tensor, reduction: LossReduction, outputIsLogits: Bool = false
    ) throws -> (loss: Float, gradient: Tensor) {
        var gradient = Tensor(zeros: output.shape)
        let loss = try gradient.data.withUnsafeMutableBufferPointer { g in
            try compute(kind, output: output, target: target, reduction: reduction, logits: outputIsLogits, gradient: g)
        }
        return (loss, gradient)
    }

    private static func compute(
        _ kind: LossKind, output: Tensor, target: Tensor, reduction: LossReduction, logits: Bool,
        gradient: UnsafeMutableBufferPointer<Float>?
    ) throws -> Float {
        guard output.count == target.count, output.batch == target.batch else {
            throw ShapeError(
                "the output is \(Tensor.describe(output.shape)) but the target is \(Tensor.describe(target.shape))")
        }
        guard output.count > 0 else { return 0 }
        let scale: Float =
            reduction == .meanPerElement ? 1 / Float(output.count) : 1 / Float(max(output.batch, 1))
        let width = output.sampleSize
        var total: Double = 0
        output.data.withUnsafeBufferPointer { yp in
            target.data.withUnsafeBufferPointer { tp in
                for row in 0..<output.batch {
                    let y = yp.baseAddress! + row * width
                    let t = tp.baseAddress! + row * width
                    let g = gradient.map { $0.baseAddress! + row * width }
                    total += Double(rowLoss(kind, y, t, g, width, scale, logits))
                }
            }
        }
        return Float(total) * scale
    }

    /// One sample's summed element losses; writes scale · d(loss)/d(y) into g when given.
    @inline(__always)
    private static func rowLoss(
        _ kind: LossKind, _ y: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>?,
        _ n: Int, _ scale: Float, _ logits: Bool
    ) -> Float {
        var sum: Float = 0
        switch (kind, logits) {
        case (.mse, _):
            for i in 0..<n {
                let d = y[i] - t[i]
                sum += d * d
                g?[i] = 2 * d * scale
            }
        case (.l1, _):
            for i in 0..<n {
                let d = y[i] - t[i]
                sum += abs(d)
                g?[i] = (d > 0 ? scale : (d < 0 ? -scale : 0))
            }
        case (.bce, true):
            for i in 0..<n {
                let z = y[i]
                sum += max(z, 0) - z * t[i] + FastMath.log1pExpNegAbs(z)
                g?[i] = (FastMath.sigmoid(z) - t[i]) * scale
            }
        case (.bce, false):
            let low = probabilityClamp, high = 1 - probabilityClamp
            for i in 0..<n {
                let p = min(max(y[i], low), high)
                sum -= t[i] * FastMath.log(p) + (1 - t[i]) * FastMath.log(1 - p)
                let inside = y[i] > low && y[i] < high
                g?[i] = inside ? (p - t[i]) / (p * (1 - p)) * scale : 0
            }
        }
        return sum
    }
}
