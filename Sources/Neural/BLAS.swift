import CBLAS

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
    let team = ComputeTeam.shared
    let threads = team.threads
    // Below about 64K multiply-adds (a few microseconds) a split costs more than it saves.
    guard threads > 1, m * n * k >= GEMMSplit.minimumWork else {
        sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        epilogue?(0..<m, 0..<n)
        return
    }
    let split = GEMMSplit(m: m, n: n, k: k, threads: threads)
    team.run(parts: split.parts) { part in
        let band = split.band(part)
        guard !band.isEmpty else { return }
        if split.alongRows {
            // Rows band of op(A) and C.
            let aStart = transposeA ? a + band.lowerBound : a + band.lowerBound * lda
            sgemm(
                transposeA, transposeB, band.count, n, k, alpha, aStart, lda, b, ldb, beta,
                c + band.lowerBound * ldc, ldc)
            epilogue?(band, 0..<n)
        } else {
            // Columns band of op(B) and C.
            let bStart = transposeB ? b + band.lowerBound * ldb : b + band.lowerBound
            sgemm(
                transposeA, transposeB, m, band.count, k, alpha, a, lda, bStart, ldb, beta,
                c + band.lowerBound, ldc)
            epilogue?(0..<m, band)
        }
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
