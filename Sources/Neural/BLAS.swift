import CBLAS

/// Row-major single-precision matrix product over OpenBLAS:
/// C (m x n) = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n.
/// Transposes are passed to sgemm rather than materialised, so backward passes copy nothing.
@inline(__always)
func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
