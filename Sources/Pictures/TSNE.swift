import Foundation
import Support

/// t-SNE (van der Maaten 2014, Barnes-Hut), following scikit-learn's defaults and schedule:
/// perplexity 30, 1000 iterations, early exaggeration 12 for the first 250 with momentum 0.5,
/// then momentum 0.8; learning rate "auto" = max(N / 12 / 4, 50); gains (+0.2 / x0.8, at least
/// 0.01); theta (angle) 0.5; PCA initialisation scaled to a standard deviation of 1e-4. The
/// forces are computed on all cores.
public struct TSNE: Sendable {
    public enum Initialisation: Sendable, Equatable {
        case pca
        /// Gaussian with standard deviation 1e-4 from the seed.
        case random
    }

    public var perplexity: Double = 30
    public var iterations: Int = 1000
    public var seed: UInt64 = 0
    public var theta: Double = 0.5
    public var earlyExaggeration: Double = 12
    public var exaggerationIterations: Int = 250
    /// nil: scikit-learn's "auto".
    public var learningRate: Double?
    public var initialisation: Initialisation = .pca

    public init(perplexity: Double = 30, iterations: Int = 1000, seed: UInt64 = 0) {
        self.perplexity = perplexity
        self.iterations = iterations
        self.seed = seed
    }

    public struct Result: Sendable {
        /// count x 2, row-major.
        public var embedding: [Float]
        /// KL(P || Q) of the final layout (Barnes-Hut estimate of the normaliser).
        public var divergence: Double
        public var iterationsRun: Int
    }

    /// - Parameter shouldContinue: called every 10 iterations with the iteration number; false
    ///   stops early (the layout so far is returned). Before the first iteration it is also asked
    ///   (with 0) while the affinities are computed; false then throws `Interrupted`, as there is
    ///   no layout yet.
    public func fit(
        _ data: [Float], count n: Int, features d: Int, shouldContinue: ((Int) -> Bool)? = nil
    ) throws -> Result {
        try checkMatrix(data, count: n, features: d, minimumCount: 3)
        guard perplexity > 0, perplexity < Double(n) else {
            throw PicturesError.invalidOption(
                name: "perplexity", value: "\(summaryNumber(perplexity))",
                reason: "must be above 0 and below the number of points (\(n))")
        }
        guard iterations >= 0, iterations <= 100_000 else {
            throw PicturesError.invalidOption(
                name: "iterations", value: "\(iterations)", reason: "must be between 0 and 100000")
        }
        guard theta >= 0 else {
            throw PicturesError.invalidOption(name: "theta", value: "\(theta)", reason: "must not be negative")
        }
        let p = try TSNEAffinities(
            data: data, count: n, features: d, perplexity: perplexity, stop: { !(shouldContinue?(0) ?? true) })
        var y = try initialLayout(data, count: n, features: d)
        let rate = Float(learningRate ?? max(Double(n) / earlyExaggeration / 4, 50))
        var update = [Float](repeating: 0, count: 2 * n)
        var gains = [Float](repeating: 1, count: 2 * n)
        var gradient = [Float](repeating: 0, count: 2 * n)
        var forces = BarnesHutForces(count: n, theta: Float(theta))
        var ran = 0
        for iteration in 0..<iterations {
            if let shouldContinue, iteration % 10 == 0, !shouldContinue(iteration) { break }
            let exploring = iteration < exaggerationIterations
            if iteration == exaggerationIterations {
                // scikit-learn starts its second stage with fresh momentum and gains.
                for t in 0..<(2 * n) {
                    update[t] = 0
                    gains[t] = 1
                }
            }
            let momentum: Float = exploring ? 0.5 : 0.8
            forces.gradient(p, y: y, exaggeration: Float(exploring ? earlyExaggeration : 1), into: &gradient)
            for t in 0..<(2 * n) {
                let g = gradient[t]
                gains[t] = update[t] * g < 0 ? gains[t] + 0.2 : gains[t] * 0.8
                if gains[t] < 0.01 { gains[t] = 0.01 }
                update[t] = momentum * update[t] - rate * gains[t] * g
                y[t] += update[t]
            }
            ran = iteration + 1
        }
        return Result(embedding: y, divergence: forces.divergence(p, y: y), iterationsRun: ran)
    }

    func initialLayout(_ data: [Float], count n: Int, features d: Int) throws -> [Float] {
        switch initialisation {
        case .random:
            var generator = SplitMix64(seed: seed)
            return (0..<(2 * n)).map { _ in Float(generator.nextGaussian() * 1e-4) }
        case .pca:
            var y = try PCA(components: min(2, d)).fit(data, count: n, features: d).projected
            if d == 1 { y = (0..<n).flatMap { [y[$0], 0] } }
            var mean = 0.0
            for i in 0..<n { mean += Double(y[2 * i]) }
            mean /= Double(n)
            var variance = 0.0
            for i in 0..<n { variance += (Double(y[2 * i]) - mean) * (Double(y[2 * i]) - mean) }
            let std = (variance / Double(n)).squareRoot()
            let scale = Float(std > 0 ? 1e-4 / std : 1)
            return y.map { $0 * scale }
        }
    }
}

/// The KL gradient 4 (F_attr - F_rep / Z): attraction over the sparse P, repulsion from the
/// quadtree; both split over cores.
struct BarnesHutForces {
    let count: Int
    let theta2: Float
    var tree = QuadTree()
    /// Points visited in Morton (Z-curve) order so consecutive traversals touch the same cells;
    /// refreshed every few calls because points move little between iterations.
    var order: [Int32]
    var calls = 0

    init(count: Int, theta: Float) {
        self.count = count
        self.theta2 = theta * theta
        self.order = (0..<Int32(count)).map { $0 }
    }

    mutating func refreshOrder(_ y: [Float]) {
        var minX = Float.infinity
        var maxX = -Float.infinity
        var minY = Float.infinity
        var maxY = -Float.infinity
        for i in 0..<count {
            minX = min(minX, y[2 * i])
            maxX = max(maxX, y[2 * i])
            minY = min(minY, y[2 * i + 1])
            maxY = max(maxY, y[2 * i + 1])
        }
        let sx = 65535 / max(maxX - minX, 1e-12)
        let sy = 65535 / max(maxY - minY, 1e-12)
        func spread(_ v: UInt32) -> UInt32 {
            var x = v & 0xFFFF
            x = (x | (x << 8)) & 0x00FF_00FF
            x = (x | (x << 4)) & 0x0F0F_0F0F
            x = (x | (x << 2)) & 0x3333_3333
            x = (x | (x << 1)) & 0x5555_5555
            return x
        }
        var keyed = (0..<count).map { i -> (UInt32, Int32) in
            let qx = UInt32(max(0, min(65535, (y[2 * i] - minX) * sx)))
            let qy = UInt32(max(0, min(65535, (y[2 * i + 1] - minY) * sy)))
            return (spread(qx) | (spread(qy) << 1), Int32(i))
        }
        keyed.sort { $0.0 < $1.0 }
        order = keyed.map(\.1)
    }

    mutating func gradient(_ p: TSNEAffinities, y: [Float], exaggeration: Float, into gradient: inout [Float]) {
        let n = count
        y.withUnsafeBufferPointer { tree.build($0.baseAddress!, count: n) }
        if calls % 10 == 0 { refreshOrder(y) }
        calls += 1
        // A fixed number of pieces keeps the sum of Z in the same order on any machine, so a
        // layout repeats exactly for a given seed.
        let chunks = 16
        var partialQ = [Double](repeating: 0, count: chunks)
        var repulsive = [Float](repeating: 0, count: 2 * n)
        let theta2 = self.theta2
        let team = ComputeTeam.shared
        order.withUnsafeBufferPointer { visitBuffer in
            let visit = visitBuffer.baseAddress!
            tree.blocks.withPointers { blocks in
                y.withUnsafeBufferPointer { yb in
                    repulsive.withUnsafeMutableBufferPointer { rb in
                        partialQ.withUnsafeMutableBufferPointer { qb in
                            let (ys, out, sums) = (yb.baseAddress!, rb.baseAddress!, qb.baseAddress!)
                            team.run(parts: chunks, waiting: .yielding) { chunk in
                                let stack = UnsafeMutablePointer<Int32>.allocate(
                                    capacity: 4 * QuadTree.maximumDepth + 16)
                                defer { stack.deallocate() }
                                var z = 0.0
                                for position in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
                                    let i = Int(visit[position])
                                    let (fx, fy, q) = QuadTree.repulsion(
                                        blocks, x: ys[2 * i], y: ys[2 * i + 1], theta2: theta2, stack: stack)
                                    out[2 * i] = fx
                                    out[2 * i + 1] = fy
                                    z += q
                                }
                                sums[chunk] = z
                            }
                        }
                    }
                }
            }
            let inverseZ = Float(1 / max(partialQ.reduce(0, +), Double.leastNonzeroMagnitude))
            gradient.withUnsafeMutableBufferPointer { gb in
                y.withUnsafeBufferPointer { yb in
                    repulsive.withUnsafeBufferPointer { rb in
                        p.rowStart.withUnsafeBufferPointer { starts in
                            p.columns.withUnsafeBufferPointer { cols in
                                p.values.withUnsafeBufferPointer { vals in
                                    let (g, ys, rep) = (gb.baseAddress!, yb.baseAddress!, rb.baseAddress!)
                                    let (s, c, v) = (starts.baseAddress!, cols.baseAddress!, vals.baseAddress!)
                                    team.forEachPiece(n) { range in
                                        for position in range {
                                            let i = Int(visit[position])
                                            let xi = ys[2 * i]
                                            let yi = ys[2 * i + 1]
                                            var ax: Float = 0
                                            var ay: Float = 0
                                            for e in s[i]..<s[i + 1] {
                                                let j = Int(c[e])
                                                let dx = xi - ys[2 * j]
                                                let dy = yi - ys[2 * j + 1]
                                                let f = v[e] / (1 + dx * dx + dy * dy)
                                                ax += f * dx
                                                ay += f * dy
                                            }
                                            g[2 * i] = 4 * (exaggeration * ax - rep[2 * i] * inverseZ)
                                            g[2 * i + 1] = 4 * (exaggeration * ay - rep[2 * i + 1] * inverseZ)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// KL(P || Q) = Σ p log(p / q) over the stored pairs, with Z from the quadtree.
    mutating func divergence(_ p: TSNEAffinities, y: [Float]) -> Double {
        let n = count
        y.withUnsafeBufferPointer { tree.build($0.baseAddress!, count: n) }
        var z = 0.0
        let stack = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * QuadTree.maximumDepth + 16)
        defer { stack.deallocate() }
        tree.blocks.withPointers { blocks in
            for i in 0..<n {
                z += QuadTree.repulsion(blocks, x: y[2 * i], y: y[2 * i + 1], theta2: theta2, stack: stack).2
            }
        }
        var kl = 0.0
        for i in 0..<n {
            for e in p.rowStart[i]..<p.rowStart[i + 1] {
                let j = Int(p.columns[e])
                let dx = Double(y[2 * i] - y[2 * j])
                let dy = Double(y[2 * i + 1] - y[2 * j + 1])
                let q = max(1 / (1 + dx * dx + dy * dy) / z, 1e-12)
                let pij = max(Double(p.values[e]), 1e-12)
                kl += pij * log(pij / q)
            }
        }
        return kl
    }
}
