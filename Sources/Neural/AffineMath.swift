/// The three products of an affine map y = x W + b over a batch, shared by the dense layer
/// and the Gaussian latent's two heads. x is (batch, inputs), W (inputs, units), y (batch, units).
enum AffineMath {
    /// y = f(x W + b); f is applied in the same pass as the bias.
    static func forward(
        _ x: Tensor, weight: Parameter, bias: Parameter, inputs: Int, units: Int, activation: Activation
    ) -> Tensor {
        let batch = x.batch
        return Tensor(shape: [batch, units]) { out in
            x.data.withUnsafeBufferPointer { xp in
                weight.value.data.withUnsafeBufferPointer { wp in
                    gemm(
                        transposeA: false, transposeB: false, m: batch, n: units, k: inputs,
                        a: xp.baseAddress!, lda: inputs, b: wp.baseAddress!, ldb: units,
                        beta: 0, c: out.baseAddress!, ldc: units)
                }
            }
            bias.value.data.withUnsafeBufferPointer { bp in
                activation.applyRows(out.baseAddress!, rows: batch, width: units, bias: bp.baseAddress!)
            }
        }
    }

    /// dW += xᵀ dz and db += Σ_batch dz.
    static func accumulateParameterGradients(
        input x: Tensor, outputGradient dz: Tensor, weight: Parameter, bias: Parameter, inputs: Int, units: Int
    ) {
        let batch = dz.batch
        dz.data.withUnsafeBufferPointer { dzp in
            x.data.withUnsafeBufferPointer { xp in
                weight.grad.data.withUnsafeMutableBufferPointer { dw in
                    gemm(
                        transposeA: true, transposeB: false, m: inputs, n: units, k: batch,
                        a: xp.baseAddress!, lda: inputs, b: dzp.baseAddress!, ldb: units,
                        beta: 1, c: dw.baseAddress!, ldc: units)
                }
            }
            bias.grad.data.withUnsafeMutableBufferPointer { db in
                for r in 0..<batch {
                    let line = dzp.baseAddress! + r * units
                    for j in 0..<units { db[j] += line[j] }
                }
            }
        }
    }

    /// dx = dz Wᵀ (beta 0) or dx += dz Wᵀ (beta 1), dx (batch, inputs) given as a pointer.
    static func inputGradient(
        outputGradient dz: Tensor, weight: Parameter, inputs: Int, units: Int, beta: Float,
        into dx: UnsafeMutablePointer<Float>
    ) {
        dz.data.withUnsafeBufferPointer { dzp in
            weight.value.data.withUnsafeBufferPointer { wp in
                gemm(
                    transposeA: false, transposeB: true, m: dz.batch, n: inputs, k: units,
                    a: dzp.baseAddress!, lda: units, b: wp.baseAddress!, ldb: units,
                    beta: beta, c: dx, ldc: inputs)
            }
        }
    }
}
