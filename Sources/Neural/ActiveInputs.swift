import CKernels
import Support

/// The columns of a dense layer's input batch that are not all zero. Behind a ReLU layer many
/// units are off for every sample of a batch (in the seed-002 dense model, 72 of the 320 units
/// before the output layer and about 80 of the 250 after the first): their columns of x are
/// zero, so the rows of W they meet add nothing to x W, their rows of dW are zero, and (when the
/// layer below is a ReLU, whose derivative is zero where its output is) their columns of dx are
/// multiplied by zero. Leaving them out of the three products is exact, up to the order in which
/// the products add their terms, and saves that share of the layer's arithmetic.
struct ActiveInputs {
    /// The columns with a non-zero value, in increasing order.
    let columns: [Int32]
    /// The full input width.
    let width: Int
    /// x with only those columns: (batch, columns.count).
    let x: Tensor
    /// The layer's W (width x units) with only the rows those columns meet: (columns.count, units).
    let weights: [Float]

    var count: Int { columns.count }

    /// The columns left out, in increasing order.
    var deadColumns: [Int] {
        var dead: [Int] = []
        var next = 0
        for c in 0..<width {
            if next < columns.count && Int(columns[next]) == c { next += 1 } else { dead.append(c) }
        }
        return dead
    }

    /// The live columns of `x` and the rows of `w` (x's width x `units`) they meet; nil when
    /// fewer than `minimumDeadShare` of the columns are all zero (the copies would cost more than
    /// they save) or the input is too small to bother.
    init?(_ x: Tensor, weights w: [Float], units: Int, minimumDeadShare: Double = 0.1) {
        let rows = x.batch, width = x.sampleSize
        guard rows > 0, width >= 64, rows * width >= 1 << 14 else { return nil }
        var flags = [Int32](repeating: 0, count: width)
        x.data.withUnsafeBufferPointer { xp in
            flags.withUnsafeMutableBufferPointer {
                ck_nonzero_columns(xp.baseAddress!, Int64(rows), Int64(width), $0.baseAddress!)
            }
        }
        let columns = flags.indices.filter { flags[$0] != 0 }.map { Int32($0) }
        guard Double(width - columns.count) >= minimumDeadShare * Double(width) else { return nil }
        self.columns = columns
        self.width = width
        let active = columns.count
        self.x = Tensor(shape: [rows, active]) { out in
            x.data.withUnsafeBufferPointer { xp in
                columns.withUnsafeBufferPointer { c in
                    ck_gather_columns(
                        xp.baseAddress!, Int64(rows), Int64(width), c.baseAddress!, Int64(active), out.baseAddress!)
                }
            }
        }
        var compact = uninitializedFloats(active * units)
        w.withUnsafeBufferPointer { wp in
            compact.withUnsafeMutableBufferPointer { cp in
                columns.withUnsafeBufferPointer { c in
                    let (from, to, picks) = (wp.baseAddress!, cp.baseAddress!, c.baseAddress!)
                    ComputeTeam.engine.forEachRange(active, minimum: max(1, 16_384 / max(units, 1)), alignment: 1) {
                        for i in $0 { (to + i * units).update(from: from + Int(picks[i]) * units, count: units) }
                    }
                }
            }
        }
        weights = compact
    }
}
