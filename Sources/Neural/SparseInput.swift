import CKernels
import Support

#if canImport(Glibc)
    import Glibc
#endif

/// A batch (batch, inputs) that is mostly zeros, kept by rows and by columns, so that a dense
/// layer's forward product x W and weight gradient xᵀ dz visit only the non-zero values.
///
/// Why: about 81% of MNIST's pixels are exactly 0, and the first layer's two products with the
/// images are a third of a dense autoencoder's arithmetic. Skipping the zeros is exact: a zero
/// contributes nothing to either product. Each output row (or weight-gradient row) is summed by
/// one thread in a fixed order, so results do not depend on the number of threads.
struct SparseInput {
    let rows: Int
    let columns: Int
    /// Row r's entries are rowStart[r]..<rowStart[r + 1] of rowColumn and rowValue.
    private(set) var rowStart: [Int32]
    private(set) var rowColumn: [Int32]
    private(set) var rowValue: [Float]
    /// Column c's entries are columnStart[c]..<columnStart[c + 1] of columnRow and columnValue,
    /// in increasing row order.
    private(set) var columnStart: [Int32]
    private(set) var columnRow: [Int32]
    private(set) var columnValue: [Float]

    var nonZeros: Int { rowValue.count }

    /// Above this share of non-zeros the dense product is faster. LATENT_SPARSE_INPUT=off
    /// turns the sparse path off (for benchmarks that compare the two).
    static let maximumDensity: Double = {
        if let text = getenv("LATENT_SPARSE_INPUT"), String(cString: text) == "off" { return -1 }
        return 0.3
    }()

    /// The sparse form of `x` (batch, inputs...), or nil when it is too dense to pay (or too small).
    /// Built in two passes over bands of rows on the compute team: count, then fill.
    init?(_ x: Tensor, maximumDensity: Double = SparseInput.maximumDensity) {
        let rows = x.batch, columns = x.sampleSize
        guard rows > 0, columns >= 64, x.count < Int(Int32.max) else { return nil }
        // Every eighth row first: an input far denser than the limit (a ReLU layer's output,
        // half non-zero) is turned away without counting the whole batch.
        let sampledRows = (rows + 7) / 8
        let sampledNonZeros: Int = x.data.withUnsafeBufferPointer { xp in
            var total = 0
            for row in stride(from: 0, to: rows, by: 8) {
                total += Int(ck_count_nonzeros(xp.baseAddress! + row * columns, Int64(columns)))
            }
            return total
        }
        let sampledLimit = 1.5 * maximumDensity * Double(sampledRows * columns)
        guard Double(sampledNonZeros) <= sampledLimit else { return nil }
        let bands = max(1, min(rows, ComputeTeam.engine.threads))
        func band(_ b: Int) -> (Int64, Int64) { (Int64(rows * b / bands), Int64(rows * (b + 1) / bands)) }
        // perBand[b * columns + c]: column c's count in band b, then band b's first slot in column c.
        var perBand = [Int32](repeating: 0, count: bands * columns)
        var rowStart = [Int32](repeating: 0, count: rows + 1)
        x.data.withUnsafeBufferPointer { xp in
            perBand.withUnsafeMutableBufferPointer { counts in
                rowStart.withUnsafeMutableBufferPointer { starts in
                    let (x0, c0, r0) = (xp.baseAddress!, counts.baseAddress!, starts.baseAddress! + 1)
                    ComputeTeam.engine.run(parts: bands) { b in
                        let (low, high) = band(b)
                        ck_sparse_count(x0, low, high, Int64(columns), r0, c0 + b * columns)
                    }
                }
            }
        }
        for r in 0..<rows { rowStart[r + 1] += rowStart[r] }
        let nonZeros = Int(rowStart[rows])
        guard Double(nonZeros) <= maximumDensity * Double(x.count) else { return nil }
        var columnStart = [Int32](repeating: 0, count: columns + 1)
        for c in 0..<columns {
            var next = columnStart[c]
            for b in 0..<bands {
                let count = perBand[b * columns + c]
                perBand[b * columns + c] = next
                next += count
            }
            columnStart[c + 1] = next
        }
        self.rows = rows
        self.columns = columns
        self.rowStart = rowStart
        self.columnStart = columnStart
        rowColumn = uninitializedInt32s(nonZeros)
        rowValue = uninitializedFloats(nonZeros)
        columnRow = uninitializedInt32s(nonZeros)
        columnValue = uninitializedFloats(nonZeros)
        x.data.withUnsafeBufferPointer { xp in
            perBand.withUnsafeMutableBufferPointer { next in
                rowColumn.withUnsafeMutableBufferPointer { rc in
                    rowValue.withUnsafeMutableBufferPointer { rv in
                        columnRow.withUnsafeMutableBufferPointer { cr in
                            columnValue.withUnsafeMutableBufferPointer { cv in
                                let (x0, n0, starts) = (xp.baseAddress!, next.baseAddress!, rowStart)
                                let (rc0, rv0, cr0, cv0) = (
                                    rc.baseAddress, rv.baseAddress, cr.baseAddress, cv.baseAddress
                                )
                                starts.withUnsafeBufferPointer { s0 in
                                    ComputeTeam.engine.run(parts: bands) { b in
                                        let (low, high) = band(b)
                                        ck_sparse_fill(
                                            x0, low, high, Int64(columns), s0.baseAddress!, rc0, rv0, n0 + b * columns,
                                            cr0, cv0)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// y (rows, units) = x W, W (columns, units); y is overwritten. `finishingRows(rows,
    /// columns)`, when given, runs on each finished band of y's rows in the same job.
    func times(
        _ w: UnsafePointer<Float>, units: Int, into y: UnsafeMutablePointer<Float>,
        finishingRows: ((Range<Int>, Range<Int>) -> Void)? = nil
    ) {
        SparseInput.gatherRows(
            rowStart, rowColumn, rowValue, count: rows, from: w, units: units, into: y, adding: false,
            finish: finishingRows)
    }

    /// dW (columns, units) = xᵀ dz (or += when `adding`), dz (rows, units). `alongside`, when
    /// given, runs as one more part of the same job.
    func transposedTimes(
        _ dz: UnsafePointer<Float>, units: Int, into dw: UnsafeMutablePointer<Float>, adding: Bool,
        alongside: (() -> Void)? = nil
    ) {
        SparseInput.gatherRows(
            columnStart, columnRow, columnValue, count: columns, from: dz, units: units, into: dw, adding: adding,
            alongside: alongside)
    }

    /// out[i, :] (=, or += when `adding`) Σ value[p] · base[index[p], :] over entry p of line i,
    /// for the `count` lines of one of the two compressed forms, in bands of lines on the team.
    private static func gatherRows(
        _ start: [Int32], _ index: [Int32], _ value: [Float], count: Int, from base: UnsafePointer<Float>,
        units: Int, into out: UnsafeMutablePointer<Float>, adding: Bool,
        finish: ((Range<Int>, Range<Int>) -> Void)? = nil, alongside: (() -> Void)? = nil
    ) {
        let parts = balancedParts(start, count: count)
        start.withUnsafeBufferPointer { s in
            index.withUnsafeBufferPointer { i in
                value.withUnsafeBufferPointer { v in
                    let (s, i, v) = (s.baseAddress!, i.baseAddress!, v.baseAddress!)
                    let gathers = parts.count - 1
                    ComputeTeam.engine.run(parts: gathers + (alongside == nil ? 0 : 1)) { part in
                        guard part < gathers else { return alongside!() }
                        ck_sparse_gather_rows(
                            s, i, v, Int64(parts[part]), Int64(parts[part + 1]), base, Int64(units), out,
                            adding ? 1 : 0)
                        finish?(parts[part]..<parts[part + 1], 0..<units)
                    }
                }
            }
        }
    }

    /// Boundaries cutting 0..<count into runs of about equal numbers of entries (by `start`),
    /// four per thread so that a thread slowed by the machine's neighbours costs little.
    private static func balancedParts(_ start: [Int32], count: Int) -> [Int] {
        let wanted = max(1, min(count, 4 * ComputeTeam.engine.threads))
        let total = Int(start[count])
        var bounds = [0]
        var index = 0
        for part in 1..<wanted {
            let target = Int32(total * part / wanted)
            while index < count && start[index] < target { index += 1 }
            if index > bounds.last! { bounds.append(index) }
        }
        if bounds.last! < count { bounds.append(count) }
        return bounds
    }
}

private func uninitializedInt32s(_ count: Int) -> [Int32] {
    [Int32](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}
