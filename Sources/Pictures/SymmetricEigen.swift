import CBLAS
import Foundation

/// The largest eigenpairs of a real symmetric matrix: LAPACK's dsyevd for small matrices or
/// when many pairs are wanted, otherwise Lanczos with full reorthogonalisation, which needs only
/// matrix-vector products (as ARPACK does for scikit-learn) and so stays fast for n in the
/// thousands.
enum SymmetricEigen {
    struct Pairs {
        /// Largest first.
        var values: [Double]
        /// Eigenvector i occupies vectors[i*n ..< (i+1)*n].
        var vectors: [Double]
    }

    /// Top `k` eigenpairs of the n x n symmetric matrix `a` (row-major = column-major).
    static func top(_ k: Int, of a: [Float], n: Int) throws -> Pairs {
        precondition(a.count == n * n && k >= 1 && k <= n)
        if n <= 400 || k * 4 > n {
            return try dense(k, of: a.map(Double.init), n: n)
        }
        return try lanczos(k, n: n) { x, y in
            a.withUnsafeBufferPointer { m in
                cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(n), 1, m.baseAddress, Int32(n), x, 1, 0, y, 1)
            }
        }
    }

    /// All eigenpairs by divide and conquer, then the largest `k`.
    static func dense(_ k: Int, of matrix: [Double], n: Int) throws -> Pairs {
        var a = matrix
        var w = [Double](repeating: 0, count: n)
        var jobz: CChar = 86  // "V"
        var uplo: CChar = 85  // "U"
        var nn = Int32(n)
        var lda = Int32(n)
        var info: Int32 = 0
        var lwork: Int32 = -1
        var liwork: Int32 = -1
        var workSize = 0.0
        var iworkSize: Int32 = 0
        dsyevd_(&jobz, &uplo, &nn, &a, &lda, &w, &workSize, &lwork, &iworkSize, &liwork, &info)
        guard info == 0 else { throw PicturesError.linearAlgebraFailed(routine: "dsyevd", info: info) }
        lwork = Int32(workSize)
        liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &nn, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw PicturesError.linearAlgebraFailed(routine: "dsyevd", info: info) }
        // Ascending order from LAPACK; column j of the column-major result is eigenvector j.
        var values = [Double]()
        var vectors = [Double]()
        for j in stride(from: n - 1, through: n - k, by: -1) {
            values.append(w[j])
            vectors += a[(j * n)..<((j + 1) * n)]
        }
        return Pairs(values: values, vectors: vectors)
    }

    /// Lanczos iteration; `multiply(x, y)` sets y = A x for Float vectors of length n.
    static func lanczos(
        _ k: Int, n: Int, tolerance: Double = 1e-6,
        multiply: (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) throws -> Pairs {
        let maxSteps = min(n, max(60, 20 * k), 400)
        var basis = [[Double]]()
        var alpha = [Double]()
        var beta = [Double]()
        // A fixed, dense start vector: deterministic and not orthogonal to any eigenvector in practice.
        var q = (0..<n).map { i in 1.0 + 0.5 * sin(Double(i) * 1.618034 + 0.3) }
        normalise(&q)
        var xf = [Float](repeating: 0, count: n)
        var yf = [Float](repeating: 0, count: n)
        var result: Pairs?
        for step in 0..<maxSteps {
            basis.append(q)
            for i in 0..<n { xf[i] = Float(q[i]) }
            xf.withUnsafeBufferPointer { x in
                yf.withUnsafeMutableBufferPointer { y in multiply(x.baseAddress!, y.baseAddress!) }
            }
            var w = yf.map(Double.init)
            let a = dot(q, w)
            alpha.append(a)
            // Full reorthogonalisation, twice ("twice is enough"), keeps the basis orthonormal.
            for _ in 0..<2 {
                for v in basis {
                    let c = dot(v, w)
                    v.withUnsafeBufferPointer { vp in
                        w.withUnsafeMutableBufferPointer { wp in
                            cblas_daxpy(Int32(n), -c, vp.baseAddress, 1, wp.baseAddress, 1)
                        }
                    }
                }
            }
            let b = dot(w, w).squareRoot()
            let m = step + 1
            if m >= k && (m % 5 == 0 || b < 1e-10 || m == maxSteps) {
                let ritz = try tridiagonalEigen(alpha: alpha, beta: beta, k: k)
                let scale = max(abs(ritz.values[0]), 1e-30)
                var converged = true
                for i in 0..<k where abs(b * ritz.vectors[i * m + m - 1]) > tolerance * scale {
                    converged = false
                }
                if converged || b < 1e-10 * scale || m == maxSteps {
                    var vectors = [Double](repeating: 0, count: k * n)
                    for i in 0..<k {
                        for j in 0..<m {
                            let s = ritz.vectors[i * m + j]
                            let v = basis[j]
                            for t in 0..<n { vectors[i * n + t] += s * v[t] }
                        }
                    }
                    result = Pairs(values: ritz.values, vectors: vectors)
                    break
                }
            }
            beta.append(b)
            q = w.map { $0 / b }
        }
        guard let result else { throw PicturesError.linearAlgebraFailed(routine: "lanczos", info: -1) }
        return result
    }

    /// Top-k eigenpairs of the tridiagonal matrix with diagonal alpha and off-diagonal beta;
    /// each eigenvector has alpha.count entries.
    static func tridiagonalEigen(alpha: [Double], beta: [Double], k: Int) throws -> Pairs {
        let m = alpha.count
        var t = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            t[i * m + i] = alpha[i]
            if i + 1 < m {
                t[i * m + i + 1] = beta[i]
                t[(i + 1) * m + i] = beta[i]
            }
        }
        return try dense(min(k, m), of: t, n: m)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in cblas_ddot(Int32(a.count), x.baseAddress, 1, y.baseAddress, 1) }
        }
    }

    static func normalise(_ v: inout [Double]) {
        let norm = dot(v, v).squareRoot()
        if norm > 0 { for i in v.indices { v[i] /= norm } }
    }

    /// Makes the entry of largest magnitude in each vector positive (scikit-learn's svd_flip
    /// convention), so results are deterministic and comparable.
    static func fixSigns(_ vectors: inout [Double], count k: Int, length n: Int) {
        for i in 0..<k {
            var best = 0
            for t in 0..<n where abs(vectors[i * n + t]) > abs(vectors[i * n + best]) { best = t }
            if vectors[i * n + best] < 0 { for t in 0..<n { vectors[i * n + t] = -vectors[i * n + t] } }
        }
    }
}
