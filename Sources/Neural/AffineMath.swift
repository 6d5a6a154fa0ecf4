import CKernels

/// The three products of an affine map y = x W + b over a batch, shared by the dense layer
/// and the Gaussian latent's two heads. x is (batch, inputs), W (inputs, units), y (batch, units).
enum AffineMath {
    /// y = f(x W + b); f is applied in the same pass as the bias. `sparse`, when given, is x
    /// itself in sparse form, and the product skips its zeros.
    static func forward(
        _ x: Tensor, weight: Parameter, bias: Parameter, inputs: Int, units: Int, activation: Activation,
        sparse: SparseInput? = nil
    ) -> Tensor {
        let batch = x.batch
        return Tensor(shape: [batch, units]) { out in
            weight.value.data.withUnsafeBufferPointer { wp in
                bias.value.data.withUnsafeBufferPointer { bp in
                    // Bias and activation are applied to each block of y by the thread that
                    // computed it, in the product's own job.
                    let (y, b) = (out.baseAddress!, bp.baseAddress!)
                    let finish = { (rows: Range<Int>, columns: Range<Int>) in
                        activation.applyBlock(y, stride: units, rows: rows, columns: columns, bias: b)
                    }
                    if let sparse {
                        sparse.times(wp.baseAddress!, units: units, into: y, finishingRows: finish)
                        return
                    }
                    x.data.withUnsafeBufferPointer { xp in
                        gemm(
                            transposeA: false, transposeB: false, m: batch, n: units, k: inputs,
                            a: xp.baseAddress!, lda: inputs, b: wp.baseAddress!, ldb: units,
                            beta: 0, c: y, ldc: units, epilogue: finish)
                    }
                }
            }
        }
    }

    /// dW += xᵀ dz and db += Σ_batch dz (`sparse` as in `forward`); = instead of += for a
    /// parameter whose `overwritesGradient` is set.
    static func accumulateParameterGradients(
        input x: Tensor, outputGradient dz: Tensor, weight: Parameter, bias: Parameter, inputs: Int, units: Int,
        sparse: SparseInput? = nil
    ) {
        let batch = dz.batch
        let addsToWeight = !weight.takesOverwrite(), addsToBias = !bias.takesOverwrite()
        dz.data.withUnsafeBufferPointer { dzp in
            if let sparse {
                // The bias sums are one more part of the sparse product's job.
                weight.grad.data.withUnsafeMutableBufferPointer { dw in
                    bias.grad.data.withUnsafeMutableBufferPointer { db in
                        let (sums, rows) = (db.baseAddress!, dzp.baseAddress!)
                        sparse.transposedTimes(rows, units: units, into: dw.baseAddress!, adding: addsToWeight) {
                            ck_column_sums(rows, Int64(batch), Int64(units), 0, Int64(units), sums, addsToBias ? 1 : 0)
                        }
                    }
                }
                return
            }
            x.data.withUnsafeBufferPointer { xp in
                weight.grad.data.withUnsafeMutableBufferPointer { dw in
                    gemm(
                        transposeA: true, transposeB: false, m: inputs, n: units, k: batch,
                        a: xp.baseAddress!, lda: inputs, b: dzp.baseAddress!, ldb: units,
                        beta: addsToWeight ? 1 : 0, c: dw.baseAddress!, ldc: units)
                }
            }
            bias.grad.data.withUnsafeMutableBufferPointer { db in
                let (sums, rows) = (db.baseAddress!, dzp.baseAddress!)
                // Bands of columns, each summed over the batch in row order.
                ComputeTeam.shared.forEachRange(units, minimum: max(16, 16_384 / max(batch, 1))) { band in
                    ck_column_sums(
                        rows, Int64(batch), Int64(units), Int64(band.lowerBound), Int64(band.upperBound), sums,
                        addsToBias ? 1 : 0)
                }
            }
        }
    }

    /// The whole backward of a dense layer whose input is not sparse: dW and db as in
    /// `accumulateParameterGradients` and dx = dz Wᵀ (into `dx`, when given), the two products
    /// and the bias sums in one job (see `gemmTogether`).
    static func backward(
        input x: Tensor, outputGradient dz: Tensor, weight: Parameter, bias: Parameter, inputs: Int, units: Int,
        inputGradient dx: UnsafeMutablePointer<Float>?
    ) {
        let batch = dz.batch
        let addsToWeight = !weight.takesOverwrite(), addsToBias = !bias.takesOverwrite()
        dz.data.withUnsafeBufferPointer { dzp in
            x.data.withUnsafeBufferPointer { xp in
                weight.value.data.withUnsafeBufferPointer { wp in
                    weight.grad.data.withUnsafeMutableBufferPointer { dw in
                        bias.grad.data.withUnsafeMutableBufferPointer { db in
                            let (rows, sums) = (dzp.baseAddress!, db.baseAddress!)
                            var products = [
                                MatrixProduct(
                                    transposeA: true, transposeB: false, m: inputs, n: units, k: batch,
                                    a: xp.baseAddress!, lda: inputs, b: rows, ldb: units,
                                    beta: addsToWeight ? 1 : 0, c: dw.baseAddress!, ldc: units)
                            ]
                            if let dx {
                                products.append(
                                    MatrixProduct(
                                        transposeA: false, transposeB: true, m: batch, n: inputs, k: units,
                                        a: rows, lda: units, b: wp.baseAddress!, ldb: units, beta: 0, c: dx,
                                        ldc: inputs))
                            }
                            gemmTogether(products) {
                                ck_column_sums(
                                    rows, Int64(batch), Int64(units), 0, Int64(units), sums, addsToBias ? 1 : 0)
                            }
                        }
                    }
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
