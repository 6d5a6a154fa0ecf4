import CBLAS
import Foundation
import Support

/// Kernel PCA as scikit-learn computes it: the kernel matrix of the points, centred in feature
/// space (K - 1K - K1 + 1K1), its leading eigenvectors scaled by the square roots of their
/// eigenvalues. Defaults follow scikit-learn: rbf with gamma = 1/features; poly of degree 3 with
/// gamma = 1/features and coef0 = 1. Each eigenvector's largest-magnitude entry is positive
/// (scikit-learn's svd_flip), so signs match scikit-learn's in the usual case.
public struct KernelPCA: Sendable {
    public enum Kernel: Sendable, Equatable {
        /// exp(-gamma |x - y|^2)
        case rbf(gamma: Double?)
        /// (gamma <x, y> + coef0)^degree
        case poly(degree: Int, gamma: Double?, coef0: Double)
        /// <x, y>
        case linear

        public static let rbfDefault = Kernel.rbf(gamma: nil)
        public static let polyDefault = Kernel.poly(degree: 3, gamma: nil, coef0: 1)
    }

    public var components: Int
    public var kernel: Kernel

    public init(components: Int = 2, kernel: Kernel = .rbfDefault) {
        self.components = components
        self.kernel = kernel
    }

    public struct Result: Sendable {
        /// count x components, row-major.
        public var projected: [Float]
        /// Eigenvalues of the centred kernel matrix, largest first.
        public var eigenvalues: [Double]
    }

    /// Asks `stop` between its phases (the kernel matrix, its centring); the eigen-decomposition,
    /// one LAPACK call, is left to finish alone when `stop` says so during it.
    public func fit(_ data: [Float], count: Int, features: Int, stop: ShouldStop = neverStop) throws -> Result {
        try checkMatrix(data, count: count, features: features, minimumCount: 2)
        guard components >= 1, components <= count else {
            throw PicturesError.invalidOption(
                name: "components", value: "\(components)", reason: "must be between 1 and \(count)")
        }
        if case .poly(let degree, _, _) = kernel, degree < 1 {
            throw PicturesError.invalidOption(name: "degree", value: "\(degree)", reason: "must be at least 1")
        }
        if stop() { throw Interrupted() }
        var k = try kernelMatrix(data, count: count, features: features, stop: stop)
        if stop() { throw Interrupted() }
        centre(&k, n: count)
        let (matrix, wanted) = (k, components)
        var pairs = try runAbandonable(stop: stop) { try SymmetricEigen.top(wanted, of: matrix, n: count) }
        SymmetricEigen.fixSigns(&pairs.vectors, count: components, length: count)
        var projected = [Float](repeating: 0, count: count * components)
        for c in 0..<components {
            // scikit-learn drops non-positive eigenvalues; their coordinates are zero here.
            let scale = pairs.values[c] > 0 ? pairs.values[c].squareRoot() : 0
            for i in 0..<count { projected[i * components + c] = Float(pairs.vectors[c * count + i] * scale) }
        }
        return Result(projected: projected, eigenvalues: pairs.values)
    }

    /// The n x n kernel matrix from the Gram matrix X Xᵀ, asking `stop` between rounds of rows.
    func kernelMatrix(_ x: [Float], count n: Int, features d: Int, stop: ShouldStop = neverStop) throws -> [Float] {
        var gram = [Float](repeating: 0, count: n * n)
        // In a session the engine holds OpenBLAS at one thread; the product (3,000 points:
        // 14 GFLOP) is then cut into bands of rows, one a thread of the compute team, in rounds of
        // 512 rows so that an interrupt is heard between them. Each element is the same dot
        // product whichever band computes it.
        let team = ComputeTeam.shared
        let threaded = openblas_get_num_threads() == 1 && n >= 256
        for first in stride(from: 0, to: n, by: 512) {
            if stop() { throw Interrupted() }
            let round = first..<min(first + 512, n)
            x.withUnsafeBufferPointer { xp in
                gram.withUnsafeMutableBufferPointer { g in
                    let (x0, g0) = (xp.baseAddress!, g.baseAddress!)
                    team.forEachPiece(round.count, pieces: threaded ? team.threads : 1) { piece in
                        let rows = (round.lowerBound + piece.lowerBound)..<(round.lowerBound + piece.upperBound)
                        cblas_sgemm(
                            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(n), Int32(d), 1,
                            x0 + rows.lowerBound * d, Int32(d), x0, Int32(d), 0, g0 + rows.lowerBound * n, Int32(n))
                    }
                }
            }
        }
        let defaultGamma = 1 / Double(d)
        switch kernel {
        case .linear:
            break
        case .rbf(let gamma):
            let g = Float(gamma ?? defaultGamma)
            let norms = (0..<n).map { gram[$0 * n + $0] }
            gram.withUnsafeMutableBufferPointer { buffer in
                let k = buffer.baseAddress!
                ComputeTeam.shared.forEachPiece(n) { rows in
                    for i in rows {
                        for j in 0..<n {
                            let distance = max(0, norms[i] + norms[j] - 2 * k[i * n + j])
                            k[i * n + j] = i == j ? 1 : expf(-g * distance)
                        }
                    }
                }
            }
        case .poly(let degree, let gamma, let coef0):
            let g = Float(gamma ?? defaultGamma)
            let c = Float(coef0)
            for i in 0..<(n * n) {
                let base = g * gram[i] + c
                var v: Float = 1
                for _ in 0..<degree { v *= base }
                gram[i] = v
            }
        }
        return gram
    }

    /// Centres a kernel matrix in feature space, with the means accumulated in Double.
    /// Rows are independent in both passes, so they run in bands on the compute team.
    func centre(_ k: inout [Float], n: Int) {
        var rowMeans = [Double](repeating: 0, count: n)
        k.withUnsafeMutableBufferPointer { kp in
            rowMeans.withUnsafeMutableBufferPointer { mp in
                let (matrix, means) = (kp.baseAddress!, mp.baseAddress!)
                ComputeTeam.shared.forEachPiece(n) { rows in
                    for i in rows {
                        var s = 0.0
                        for j in 0..<n { s += Double(matrix[i * n + j]) }
                        means[i] = s / Double(n)
                    }
                }
                let total = mp.reduce(0, +) / Double(n)
                // K is symmetric, so column means equal row means.
                ComputeTeam.shared.forEachPiece(n) { rows in
                    for i in rows {
                        for j in 0..<n {
                            matrix[i * n + j] = Float(Double(matrix[i * n + j]) - means[i] - means[j] + total)
                        }
                    }
                }
            }
        }
    }
}
