import CKernels
import Support

// LossKind, the reconstruction losses, is Terms': the language and the engine share it.

extension LossKind {
    /// This loss's number in the C kernels (CKernels.h), given whether the output is logits.
    func kernelCode(logits: Bool) -> Int32 {
        switch (self, logits) {
        case (.mse, _): Int32(CK_LOSS_SQUARED_ERROR)
        case (.l1, _): Int32(CK_LOSS_ABSOLUTE_ERROR)
        case (.bce, true): Int32(CK_LOSS_CROSS_ENTROPY_FROM_LOGITS)
        case (.bce, false): Int32(CK_LOSS_CROSS_ENTROPY_FROM_PROBABILITIES)
        }
    }
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

    /// The loss and dL/d(output) (or dL/d(logits)). With `outputActivation`, the output is that
    /// activation's y and the gradient is taken one step further back, to dL/d(pre-activation):
    /// dL/dy ⊙ f'(y), each row while it is still in cache (the layer then skips its own pass).
    public static func valueAndGradient(
        _ kind: LossKind, output: Tensor, target: Tensor, reduction: LossReduction, outputIsLogits: Bool = false,
        outputActivation: Activation = .linear
    ) throws -> (loss: Float, gradient: Tensor) {
        // Every element is written by the kernels below (a zero-filled tensor would be a wasted pass).
        var gradient = Tensor(shape: output.shape, data: uninitializedFloats(output.count))
        let loss = try gradient.data.withUnsafeMutableBufferPointer { g in
            try compute(
                kind, output: output, target: target, reduction: reduction, logits: outputIsLogits, gradient: g,
                activation: outputActivation)
        }
        return (loss, gradient)
    }

    private static func compute(
        _ kind: LossKind, output: Tensor, target: Tensor, reduction: LossReduction, logits: Bool,
        gradient: UnsafeMutableBufferPointer<Float>?, activation: Activation = .linear
    ) throws -> Float {
        guard output.count == target.count, output.batch == target.batch else {
            throw ShapeError(
                "the output is \(Tensor.describe(output.shape)) but the target is \(Tensor.describe(target.shape))")
        }
        guard output.count > 0 else { return 0 }
        let scale: Float =
            reduction == .meanPerElement ? 1 / Float(output.count) : 1 / Float(max(output.batch, 1))
        let width = output.sampleSize
        // Element losses go to a scratch row and are summed apart: every loop then vectorises
        // (a running float sum would not, since reordering it changes the result). Each row's sum
        // is kept and the rows added in order, so bands of rows can run on the compute team and
        // the total does not depend on how many threads there are.
        let rows = output.batch
        var rowTotals = [Double](repeating: 0, count: rows)
        output.data.withUnsafeBufferPointer { yp in
            target.data.withUnsafeBufferPointer { tp in
                rowTotals.withUnsafeMutableBufferPointer { totals in
                    let (y0, t0, g0, sums) = (
                        yp.baseAddress!, tp.baseAddress!, gradient?.baseAddress, totals.baseAddress!
                    )
                    let minimumRows = max(1, Activation.elementsPerBand / max(width, 1))
                    ComputeTeam.engine.forEachRange(rows, minimum: minimumRows, alignment: 1) { band in
                        var elementLosses = [Float](repeating: 0, count: width)
                        var scratchGradient = g0 == nil ? [Float](repeating: 0, count: width) : []
                        elementLosses.withUnsafeMutableBufferPointer { ep in
                            scratchGradient.withUnsafeMutableBufferPointer { sp in
                                for row in band {
                                    let y = y0 + row * width
                                    let t = t0 + row * width
                                    let g = g0.map { $0 + row * width } ?? sp.baseAddress!
                                    let e = ep.baseAddress!
                                    ck_loss_row(
                                        kind.kernelCode(logits: logits), y, t, e, g, Int64(width), scale,
                                        probabilityClamp)
                                    sums[row] = Double(LossKernels.sum(e, width))
                                    if g0 != nil && activation != .linear {
                                        activation.derivativeProductInBand(g, output: y, into: g, count: width)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let total = rowTotals.reduce(0, +)
        return Float(total) * scale
    }
}

/// The loss's own loops (the element losses and gradients are in C: ck_loss_row).
enum LossKernels {
    /// Σ values[0..<n] in eight interleaved partial sums.
    static func sum(_ values: UnsafePointer<Float>, _ n: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: 0)
        var i = 0
        let raw = UnsafeRawPointer(values)
        while i + 8 <= n {
            lanes += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < n {
            total += values[i]
            i += 1
        }
        return total
    }
}
