import CBLAS
import Datasets
import Foundation
import XCTest

@testable import Pictures

/// PCA and KernelPCA against scikit-learn's values (Reference/kpca.json, written by
/// scripts/reference/pictures_kpca.py), compared up to the sign of each component.
final class EmbeddingReferenceTests: XCTestCase {
    struct Reference: Decodable {
        struct Case: Decodable {
            var name: String
            var input: [[Double]]
            var projected: [[Double]]
            var eigenvalues: [Double]
            var kernel: String
            var gamma: Double?
        }
        struct PCAReference: Decodable {
            var input: [[Double]]
            var projected: [[Double]]
            var explained_variance: [Double]
        }
        var kernelpca: [Case]
        var pca: PCAReference
    }

    func reference() throws -> Reference {
        let url = try XCTUnwrap(
            Bundle.module.url(forResource: "kpca", withExtension: "json", subdirectory: "Reference"))
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    /// Largest difference after matching each column's sign to the reference's.
    func differenceUpToSign(_ ours: [Float], _ theirs: [[Double]], components: Int) -> Double {
        var worst = 0.0
        for c in 0..<components {
            let dot = theirs.indices.reduce(0.0) { $0 + Double(ours[$1 * components + c]) * theirs[$1][c] }
            let sign = dot < 0 ? -1.0 : 1.0
            for i in theirs.indices { worst = max(worst, abs(sign * Double(ours[i * components + c]) - theirs[i][c])) }
        }
        return worst
    }

    /// In a session OpenBLAS runs one thread (the engine's compute team holds it there) and the
    /// kernel matrix's product is cut into bands of rows on Pictures' own threads: the same
    /// matrix as one product on OpenBLAS's threads.
    func testKernelMatrixInBandsEqualsOneProduct() throws {
        let (n, d) = (1300, 20)  // three rounds of rows
        let x = (0..<(n * d)).map { Float(($0 * 37) % 101) / 101 }
        let kpca = KernelPCA(components: 2)
        let saved = openblas_get_num_threads()
        defer { openblas_set_num_threads(saved) }
        openblas_set_num_threads(2)
        let whole = try kpca.kernelMatrix(x, count: n, features: d)
        openblas_set_num_threads(1)
        let banded = try kpca.kernelMatrix(x, count: n, features: d)
        XCTAssertEqual(banded.count, n * n)
        var worst: Float = 0
        for i in 0..<(n * n) { worst = max(worst, abs(banded[i] - whole[i])) }
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertEqual(banded[5 * n + 5], 1)
    }

    func testKernelPCAAgreesWithScikitLearn() throws {
        for reference in try reference().kernelpca {
            let kernel: KernelPCA.Kernel
            switch reference.kernel {
            case "poly": kernel = .poly(degree: 3, gamma: reference.gamma, coef0: 1)
            default: kernel = .rbf(gamma: reference.gamma)
            }
            let n = reference.input.count
            let d = reference.input[0].count
            let result = try KernelPCA(components: 2, kernel: kernel).fit(
                reference.input.flatMap { $0.map(Float.init) }, count: n, features: d)
            let scale = reference.projected.flatMap { $0 }.map(abs).max()!
            let difference = differenceUpToSign(result.projected, reference.projected, components: 2)
            XCTAssertLessThan(difference, 2e-3 * scale, reference.name)
            for (ours, theirs) in zip(result.eigenvalues, reference.eigenvalues) {
                XCTAssertEqual(ours, theirs, accuracy: 1e-3 * theirs, reference.name)
            }
        }
    }

    func testKernelPCASignConventionMatchesScikitLearnWhenUnambiguous() throws {
        let reference = try reference().kernelpca[0]
        let result = try KernelPCA().fit(
            reference.input.flatMap { $0.map(Float.init) }, count: reference.input.count,
            features: reference.input[0].count)
        XCTAssertLessThan(
            zip(result.projected, reference.projected.flatMap { $0 }).map { abs(Double($0) - $1) }.max()!, 1e-3)
    }

    func testPCAAgreesWithScikitLearn() throws {
        let reference = try reference().pca
        let n = reference.input.count
        let result = try PCA(components: 2).fit(
            reference.input.flatMap { $0.map(Float.init) }, count: n, features: reference.input[0].count)
        XCTAssertLessThan(differenceUpToSign(result.projected, reference.projected, components: 2), 1e-4)
        for (ours, theirs) in zip(result.explainedVariance, reference.explained_variance) {
            XCTAssertEqual(ours, theirs, accuracy: 1e-4 * theirs)
        }
    }

    func testLanczosMatchesDenseEigensolver() throws {
        // A symmetric 450 x 450 matrix with a known, well-separated top of the spectrum.
        let n = 450
        var a = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                let v = Float(sin(Double(i * 31 + j * 17))) * 0.01
                a[i * n + j] = v
                a[j * n + i] = v
            }
            a[i * n + i] += Float(i) / Float(n)
        }
        let dense = try SymmetricEigen.dense(3, of: a.map(Double.init), n: n)
        let lanczos = try SymmetricEigen.top(3, of: a, n: n)
        for k in 0..<3 {
            XCTAssertEqual(lanczos.values[k], dense.values[k], accuracy: 1e-5)
            let overlap = (0..<n).reduce(0.0) { $0 + lanczos.vectors[k * n + $1] * dense.vectors[k * n + $1] }
            XCTAssertEqual(abs(overlap), 1, accuracy: 1e-4)
        }
    }

    func testBadInputIsAnErrorValue() {
        XCTAssertThrowsError(try PCA(components: 3).fit([1, 2, 3, 4], count: 2, features: 2))
        XCTAssertThrowsError(try KernelPCA().fit([1, 2, 3], count: 2, features: 2))
        XCTAssertThrowsError(try KernelPCA().fit([1, .nan, 3, 4], count: 2, features: 2))
        XCTAssertThrowsError(try TSNE(perplexity: 30).fit([Float](repeating: 0, count: 20), count: 10, features: 2)) {
            XCTAssertTrue("\($0)".contains("perplexity"))
        }
    }
}

final class TSNETests: XCTestCase {
    /// Points on two well-separated rings in 5-D; tiny enough for an exact check.
    func smallData(_ n: Int) -> [Float] {
        (0..<(n * 5)).map { k in
            let i = k / 5
            let j = k % 5
            return Float(sin(Double(i) * 0.7 + Double(j))) + (i % 2 == 0 ? 3 : -3) * Float(j == 0 ? 1 : 0)
        }
    }

    /// With theta = 0 the Barnes-Hut gradient is exact; it must match finite differences of
    /// KL(P || Q) computed directly in Double.
    func testGradientMatchesFiniteDifferencesOfKL() throws {
        let n = 24
        let p = try TSNEAffinities(data: smallData(n), count: n, features: 5, perplexity: 5)
        var y = (0..<(2 * n)).map { Float(sin(Double($0) * 1.3)) * 2 }
        var forces = BarnesHutForces(count: n, theta: 0)
        var gradient = [Float](repeating: 0, count: 2 * n)
        forces.gradient(p, y: y, exaggeration: 1, into: &gradient)
        func kl(_ y: [Float]) -> Double {
            var z = 0.0
            for i in 0..<n {
                for j in 0..<n where j != i {
                    let dx = Double(y[2 * i] - y[2 * j])
                    let dy = Double(y[2 * i + 1] - y[2 * j + 1])
                    z += 1 / (1 + dx * dx + dy * dy)
                }
            }
            var c = 0.0
            for i in 0..<n {
                for e in p.rowStart[i]..<p.rowStart[i + 1] {
                    let j = Int(p.columns[e])
                    let dx = Double(y[2 * i] - y[2 * j])
                    let dy = Double(y[2 * i + 1] - y[2 * j + 1])
                    let q = 1 / (1 + dx * dx + dy * dy) / z
                    c += Double(p.values[e]) * log(Double(p.values[e]) / q)
                }
            }
            return c
        }
        let h: Float = 1e-2
        for t in [0, 1, 7, 20, 33, 47] {
            let saved = y[t]
            y[t] = saved + h
            let up = kl(y)
            y[t] = saved - h
            let down = kl(y)
            y[t] = saved
            let numeric = (up - down) / Double(2 * h)
            XCTAssertEqual(
                Double(gradient[t]), numeric, accuracy: 2e-3 * max(1, abs(numeric)) + 1e-4, "coordinate \(t)")
        }
    }

    func testAffinitiesAreSymmetricAndNormalised() throws {
        let n = 40
        let p = try TSNEAffinities(data: smallData(n), count: n, features: 5, perplexity: 8)
        XCTAssertEqual(p.values.reduce(0, +), 1, accuracy: 1e-4)
        var entries = [Int: Float]()
        for i in 0..<n {
            for e in p.rowStart[i]..<p.rowStart[i + 1] { entries[i * n + Int(p.columns[e])] = p.values[e] }
        }
        for (key, value) in entries { XCTAssertEqual(entries[(key % n) * n + key / n] ?? -1, value, accuracy: 1e-7) }
        // Each conditional row reaches the requested perplexity: entropy = log(perplexity).
        let row = TSNEAffinities.conditionalRow((1...24).map { Float($0) * 0.3 }, perplexity: 8)
        let entropy = -row.reduce(0.0) { $0 + ($1 > 0 ? Double($1) * log(Double($1)) : 0) }
        XCTAssertEqual(entropy, log(8), accuracy: 1e-3)
    }

    func testQuadTreeSumsMatchDirectSumsWhenThetaIsZero() {
        let n = 300
        var y = (0..<(2 * n)).map { Float(sin(Double($0) * 12.9898) * 43758.5453).truncatingRemainder(dividingBy: 5) }
        y[10] = y[12]  // two coincident points
        y[11] = y[13]
        var tree = QuadTree()
        y.withUnsafeBufferPointer { tree.build($0.baseAddress!, count: n) }
        let stack = UnsafeMutablePointer<Int32>.allocate(capacity: 256)
        defer { stack.deallocate() }
        for i in [0, 5, 6, 150, 299] {
            let (fx, _, z) = tree.blocks.withPointers {
                QuadTree.repulsion($0, x: y[2 * i], y: y[2 * i + 1], theta2: 0, stack: stack)
            }
            var directZ = 0.0
            var directFx = 0.0
            for j in 0..<n where j != i {
                let dx = Double(y[2 * i] - y[2 * j])
                let dy = Double(y[2 * i + 1] - y[2 * j + 1])
                let q = 1 / (1 + dx * dx + dy * dy)
                directZ += q
                directFx += q * q * dx
            }
            XCTAssertEqual(z, directZ, accuracy: 1e-3 * directZ)
            XCTAssertEqual(Double(fx), directFx, accuracy: 1e-3 * max(1, abs(directFx)))
        }
    }

    /// On 1,000 real MNIST test digits, a point's nearest neighbour in the layout carries the same
    /// label at least 82% of the time (scikit-learn reaches 0.855 on the same digits), and the
    /// mean distance within a digit class is at most half the mean distance between classes.
    func testMNISTDigitsClusterByLabel() throws {
        let digits = try MNIST.load().test.slice(0..<1000)
        let n = digits.count
        let layout = try TSNE(seed: 1).fit(digits.pixels, count: n, features: digits.imageSize).embedding
        var agree = 0
        var within = (0.0, 0)
        var between = (0.0, 0)
        for i in 0..<n {
            var best = Float.infinity
            var nearest = i
            for j in 0..<n where j != i {
                let dx = layout[2 * i] - layout[2 * j]
                let dy = layout[2 * i + 1] - layout[2 * j + 1]
                let d2 = dx * dx + dy * dy
                if d2 < best { (best, nearest) = (d2, j) }
                if j > i {
                    if digits.labels[i] == digits.labels[j] {
                        within = (within.0 + Double(d2.squareRoot()), within.1 + 1)
                    } else {
                        between = (between.0 + Double(d2.squareRoot()), between.1 + 1)
                    }
                }
            }
            if digits.labels[nearest] == digits.labels[i] { agree += 1 }
        }
        let agreement = Double(agree) / Double(n)
        let ratio = (within.0 / Double(within.1)) / (between.0 / Double(between.1))
        XCTAssertGreaterThanOrEqual(agreement, 0.82)
        XCTAssertLessThanOrEqual(ratio, 0.5)
        print(
            "t-SNE on 1000 MNIST test digits: nearest-neighbour label agreement \(agreement), within/between distance \(ratio)"
        )
    }

    func testSameSeedSameLayout() throws {
        let data = smallData(60)
        var tsne = TSNE(perplexity: 10, iterations: 120, seed: 3)
        tsne.initialisation = .random
        let a = try tsne.fit(data, count: 60, features: 5).embedding
        let b = try tsne.fit(data, count: 60, features: 5).embedding
        XCTAssertEqual(a, b)
        let stopped = try tsne.fit(data, count: 60, features: 5) { $0 < 50 }
        XCTAssertEqual(stopped.iterationsRun, 50)
    }
}
