import CBLAS
import Support

/// Row-major single-precision matrix product over OpenBLAS:
/// C (m x n) = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n.
/// Transposes are passed to sgemm rather than materialised, so backward passes copy nothing.
/// A product big enough to share is split into bands of C's rows (or of its columns when it
/// has too few rows), one single-threaded sgemm per band on the compute team.
/// `epilogue(rows, columns)`, when given, runs on each finished block of C in the same job,
/// while the block is still in that core's cache (a layer's bias and activation).
func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
    epilogue: ((_ rows: Range<Int>, _ columns: Range<Int>) -> Void)? = nil
) {
    let product = MatrixProduct(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
        ldb: ldb, beta: beta, c: c, ldc: ldc, epilogue: epilogue)
    // Below about 64K multiply-adds (a few microseconds) a split costs more than it saves.
    guard ComputeTeam.engine.threads > 1, product.work >= GEMMSplit.minimumWork else {
        product.run(0..<m, 0..<n)
        epilogue?(0..<m, 0..<n)
        return
    }
    gemmTogether([product])
}

/// Independent products (a layer's weight gradient and input gradient) in one job: each gets
/// an equal share of the threads, so on two threads each runs whole on one of them. Nothing
/// is then packed twice (a band of a split product packs the whole of its shared operand) and
/// there is one wait instead of two. `alongside`, when given, is one more part of the same job
/// (a bias gradient), taken by whichever thread is free first.
func gemmTogether(_ products: [MatrixProduct], alongside: (() -> Void)? = nil) {
    let team = ComputeTeam.engine
    let share = max(1, team.threads / max(products.count, 1))
    let splits = products.map { GEMMSplit(m: $0.m, n: $0.n, k: $0.k, threads: share) }
    // Part p belongs to the product whose parts cover it; the last part is `alongside`.
    var owner: [(product: Int, part: Int)] = []
    for (index, split) in splits.enumerated() { for part in 0..<split.parts { owner.append((index, part)) } }
    let total = owner.count + (alongside == nil ? 0 : 1)
    team.run(parts: total) { part in
        guard part < owner.count else { return alongside!() }
        let (index, band) = owner[part]
        let product = products[index]
        let (rows, columns) = splits[index].block(band, m: product.m, n: product.n)
        guard !rows.isEmpty, !columns.isEmpty else { return }
        product.run(rows, columns)
        product.epilogue?(rows, columns)
    }
}

/// The operands of one product C = alpha op(A) op(B) + beta C, for `gemm` and `gemmTogether`.
struct MatrixProduct {
    var transposeA: Bool
    var transposeB: Bool
    var m: Int
    var n: Int
    var k: Int
    var alpha: Float = 1
    var a: UnsafePointer<Float>
    var lda: Int
    var b: UnsafePointer<Float>
    var ldb: Int
    var beta: Float
    var c: UnsafeMutablePointer<Float>
    var ldc: Int
    /// Run on each finished block of C, in the same part.
    var epilogue: ((_ rows: Range<Int>, _ columns: Range<Int>) -> Void)? = nil

    /// Multiply-adds.
    var work: Int { m * n * k }

    /// The block of C at `rows` and `columns`, on the calling thread.
    func run(_ rows: Range<Int>, _ columns: Range<Int>) {
        // Row i of op(A) and column j of op(B) start at these offsets.
        let aStart = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let bStart = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
        sgemm(
            transposeA, transposeB, rows.count, columns.count, k, alpha, aStart, lda, bStart, ldb, beta,
            c + rows.lowerBound * ldc + columns.lowerBound, ldc)
    }
}

/// How a product is cut for the team: into `parts` bands of rows or columns, each a multiple
/// of 16 (the width of OpenBLAS's AVX-512 kernels) except the last.
struct GEMMSplit {
    static let minimumWork = 1 << 16
    let alongRows: Bool
    let parts: Int
    let step: Int
    let length: Int

    init(m: Int, n: Int, k: Int, threads: Int) {
        // Each band packs all of the operand it shares with the others: B for bands of rows, A
        // for bands of columns. So the cut goes along the longer side of C, which shares the
        // smaller operand (measured on two cores: 200x784x320 ran at 182 GFLOP/s in row bands,
        // 194 in column bands; 512x256x200 at 181 and 169). With a short k the packing costs
        // little and rows keep each band's output contiguous.
        alongRows = m >= n || n < 32 * threads || k < 64
        length = alongRows ? m : n
        let wanted = max(1, min(threads, length / 16))
        step = ((length + wanted - 1) / wanted + 15) / 16 * 16
        parts = (length + step - 1) / step
    }

    func band(_ part: Int) -> Range<Int> {
        min(length, part * step)..<min(length, (part + 1) * step)
    }

    /// The rows and columns of C that part `part` computes.
    func block(_ part: Int, m: Int, n: Int) -> (rows: Range<Int>, columns: Range<Int>) {
        alongRows ? (band(part), 0..<n) : (0..<m, band(part))
    }
}

@inline(__always)
private func sgemm(
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
    _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
