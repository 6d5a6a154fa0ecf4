import CKernels
import Support

/// The three products of an affine map y = x W + b over a batch, shared by the dense layer
/// and the Gaussian latent's two heads. x is (batch, inputs), W (inputs, units), y (batch, units).
enum AffineMath {
    /// y = f(x W + b); f is applied in the same pass as the bias. `sparse`, when given, is x
    /// itself in sparse form, and the product skips its zeros.
    /// `active` leaves out the columns of x that are all zero and the rows of W they meet.
    static func forward(
        _ x: Tensor, weight: Parameter, bias: Parameter, inputs: Int, units: Int, activation: Activation,
        sparse: SparseInput? = nil, active: ActiveInputs? = nil
    ) -> Tensor {
        let batch = x.batch
        let (x, inputs) = active.map { ($0.x, $0.count) } ?? (x, inputs)
        let weights = active?.weights ?? weight.value.data
        return Tensor(shape: [batch, units]) { out in
            weights.withUnsafeBufferPointer { wp in
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
                ComputeTeam.engine.forEachRange(units, minimum: max(16, 16_384 / max(batch, 1))) { band in
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
    ///
    /// With `active` (the forward's), dW is computed for the active rows only and the others are
    /// zero; so is dx when `leavesOutDeadInputGradients` (the layer below is a ReLU, which
    /// multiplies those columns by zero), else dx is complete. Products over the active columns
    /// land in scratch of their own and are spread into the full gradients by the thread that
    /// computed them.
    static func backward(
        input x: Tensor, outputGradient dz: Tensor, weight: Parameter, bias: Parameter, inputs: Int, units: Int,
        inputGradient dx: UnsafeMutablePointer<Float>?, active: ActiveInputs? = nil,
        leavesOutDeadInputGradients: Bool = false
    ) {
        let batch = dz.batch
        let addsToWeight = !weight.takesOverwrite(), addsToBias = !bias.takesOverwrite()
        let kept = active?.count ?? inputs
        let compactDX = active != nil && leavesOutDeadInputGradients && dx != nil
        let dwCompact = UnsafeMutablePointer<Float>.allocate(capacity: active == nil ? 0 : kept * units)
        let dxCompact = UnsafeMutablePointer<Float>.allocate(capacity: compactDX ? batch * kept : 0)
        defer {
            dwCompact.deallocate()
            dxCompact.deallocate()
        }
        let operands = [dz.data, (active?.x ?? x).data, weight.value.data, active?.weights ?? []]
        withBuffers(operands) { read in
            [weight, bias].withGradientPointers { written in
                (active?.columns ?? []).withUnsafeBufferPointer { picked in
                    let (rows, xs, w, compactW) = (
                        read[0].baseAddress!, read[1].baseAddress!, read[2].baseAddress!, read[3]
                    )
                    let (dw, db) = (written[0].baseAddress!, written[1].baseAddress!)

                    // dW = xᵀ dz, over the active rows into scratch when some inputs are dead.
                    var weightGradient = MatrixProduct(
                        transposeA: true, transposeB: false, m: kept, n: units, k: batch, a: xs, lda: kept, b: rows,
                        ldb: units, beta: addsToWeight ? 1 : 0, c: dw, ldc: units)
                    if active != nil {
                        let picks = picked.baseAddress!
                        weightGradient.beta = 0
                        weightGradient.c = dwCompact
                        weightGradient.epilogue = { blockRows, blockColumns in
                            spreadRows(
                                dwCompact, into: dw, picks: picks, rows: blockRows, columns: blockColumns, units: units,
                                adding: addsToWeight)
                        }
                    }
                    var products = [weightGradient]

                    // dx = dz Wᵀ, over the active columns into scratch when the dead ones are not needed.
                    if let dx {
                        var inputGradient = MatrixProduct(
                            transposeA: false, transposeB: true, m: batch, n: inputs, k: units, a: rows, lda: units,
                            b: w, ldb: units, beta: 0, c: dx, ldc: inputs)
                        if compactDX {
                            let picks = picked.baseAddress!
                            inputGradient.n = kept
                            inputGradient.b = compactW.baseAddress!
                            inputGradient.c = dxCompact
                            inputGradient.ldc = kept
                            inputGradient.epilogue = { blockRows, blockColumns in
                                ck_spread_columns(
                                    dxCompact, Int64(kept), picks, Int64(inputs), dx, Int64(blockRows.lowerBound),
                                    Int64(blockRows.upperBound), Int64(blockColumns.lowerBound),
                                    Int64(blockColumns.upperBound))
                            }
                        }
                        products.append(inputGradient)
                    }

                    gemmTogether(products) {
                        ck_column_sums(rows, Int64(batch), Int64(units), 0, Int64(units), db, addsToBias ? 1 : 0)
                        // The left-out rows of dW and columns of dx are zero.
                        guard let active else { return }
                        let dead = active.deadColumns
                        if !addsToWeight {
                            for row in dead { (dw + row * units).update(repeating: 0, count: units) }
                        }
                        if compactDX, let dx {
                            for r in 0..<batch {
                                for column in dead { dx[r * inputs + column] = 0 }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Rows `rows` and columns `columns` of a compact dW block, whose row i belongs to row picks[i]
    /// of the full dW (`units` wide), added to those rows or written over them.
    private static func spreadRows(
        _ compact: UnsafePointer<Float>, into full: UnsafeMutablePointer<Float>, picks: UnsafePointer<Int32>,
        rows: Range<Int>, columns: Range<Int>, units: Int, adding: Bool
    ) {
        for i in rows {
            let from = compact + i * units + columns.lowerBound
            let to = full + Int(picks[i]) * units + columns.lowerBound
            if adding {
                for j in 0..<columns.count { to[j] += from[j] }
            } else {
                to.update(from: from, count: columns.count)
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
