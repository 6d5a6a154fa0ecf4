import CBLAS
import Foundation
import Support

/// The input-space similarities of t-SNE, as scikit-learn's Barnes-Hut method computes them:
/// each point's 3 x perplexity + 1 nearest neighbours by squared Euclidean distance, a Gaussian
/// per point whose width is found by bisection so its entropy is log(perplexity), then
/// P = (P + Pᵀ) / sum, stored sparse by row (CSR).
struct TSNEAffinities {
    var rowStart: [Int]
    var columns: [Int32]
    var values: [Float]

    /// `stop` is asked between blocks of the neighbour search, the long part; it throws
    /// `Interrupted`.
    init(data: [Float], count n: Int, features d: Int, perplexity: Double, stop: ShouldStop = neverStop) throws {
        let k = min(n - 1, Int(3 * perplexity + 1))
        let (neighbours, distances) = try Self.nearestNeighbours(data, count: n, features: d, k: k, stop: stop)
        var conditional = [Float](repeating: 0, count: n * k)
        conditional.withUnsafeMutableBufferPointer { buffer in
            let out = buffer.baseAddress!
            ComputeTeam.shared.forEachPiece(n) { rows in
                for i in rows {
                    let row = Self.conditionalRow(Array(distances[(i * k)..<((i + 1) * k)]), perplexity: perplexity)
                    for t in 0..<k { out[i * k + t] = row[t] }
                }
            }
        }
        // Symmetrise: entry (i, j) gets p_j|i + p_i|j; rows are merged so each pair appears once.
        var rows = [[(Int32, Float)]](repeating: [], count: n)
        for i in 0..<n {
            for t in 0..<k {
                let j = Int(neighbours[i * k + t])
                let p = conditional[i * k + t]
                rows[i].append((Int32(j), p))
                rows[j].append((Int32(i), p))
            }
        }
        var start = [0]
        var cols = [Int32]()
        var vals = [Float]()
        var total = 0.0
        for i in 0..<n {
            let sorted = rows[i].sorted { $0.0 < $1.0 }
            var idx = 0
            while idx < sorted.count {
                var p = sorted[idx].1
                var next = idx + 1
                while next < sorted.count && sorted[next].0 == sorted[idx].0 {
                    p += sorted[next].1
                    next += 1
                }
                cols.append(sorted[idx].0)
                vals.append(p)
                total += Double(p)
                idx = next
            }
            start.append(cols.count)
        }
        let scale = Float(1 / max(total, Double.ulpOfOne))
        rowStart = start
        columns = cols
        values = vals.map { $0 * scale }
    }

    /// p_j|i over the neighbours of one point, from squared distances (scikit-learn's
    /// _binary_search_perplexity: at most 100 bisection steps, entropy tolerance 1e-5).
    static func conditionalRow(_ distances: [Float], perplexity: Double) -> [Float] {
        let target = log(perplexity)
        var beta = 1.0
        var low = -Double.infinity
        var high = Double.infinity
        var p = [Double](repeating: 0, count: distances.count)
        for _ in 0..<100 {
            var sum = 0.0
            for t in distances.indices {
                p[t] = exp(-Double(distances[t]) * beta)
                sum += p[t]
            }
            if sum == 0 { sum = 1e-8 }
            var weighted = 0.0
            for t in distances.indices {
                p[t] /= sum
                weighted += Double(distances[t]) * p[t]
            }
            let entropy = log(sum) + beta * weighted
            let difference = entropy - target
            if abs(difference) <= 1e-5 { break }
            if difference > 0 {
                low = beta
                beta = high == .infinity ? beta * 2 : (beta + high) / 2
            } else {
                high = beta
                beta = low == -.infinity ? beta / 2 : (beta + low) / 2
            }
        }
        return p.map(Float.init)
    }

    /// Exact k nearest neighbours (self excluded) by blocks of the distance matrix from SGEMM;
    /// returns indices and squared distances, k per point, nearest first.
    static func nearestNeighbours(_ x: [Float], count n: Int, features d: Int, k: Int, stop: ShouldStop) throws -> (
        [Int32], [Float]
    ) {
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var s: Float = 0
            for j in 0..<d { s += x[i * d + j] * x[i * d + j] }
            norms[i] = s
        }
        var indices = [Int32](repeating: 0, count: n * k)
        var squared = [Float](repeating: 0, count: n * k)
        let block = 512
        var dots = [Float](repeating: 0, count: block * n)
        for first in stride(from: 0, to: n, by: block) {
            if stop() { throw Interrupted() }
            let rows = min(block, n - first)
            x.withUnsafeBufferPointer { xp in
                dots.withUnsafeMutableBufferPointer { dp in
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(n), Int32(d), 1,
                        xp.baseAddress! + first * d, Int32(d), xp.baseAddress, Int32(d), 0, dp.baseAddress, Int32(n))
                }
            }
            dots.withUnsafeBufferPointer { dp in
                indices.withUnsafeMutableBufferPointer { ip in
                    squared.withUnsafeMutableBufferPointer { sp in
                        let (outIndex, outDistance, dotRows) = (ip.baseAddress!, sp.baseAddress!, dp.baseAddress!)
                        ComputeTeam.shared.forEachPiece(rows) { range in
                            var heap = NeighbourHeap(capacity: k)
                            for r in range {
                                let i = first + r
                                heap.clear()
                                let row = dotRows + r * n
                                for j in 0..<n where j != i {
                                    heap.offer(max(0, norms[i] + norms[j] - 2 * row[j]), Int32(j))
                                }
                                let sorted = heap.sortedAscending()
                                for t in 0..<k {
                                    outDistance[i * k + t] = sorted[t].0
                                    outIndex[i * k + t] = sorted[t].1
                                }
                            }
                        }
                    }
                }
            }
        }
        return (indices, squared)
    }
}

/// The k smallest (distance, index) pairs seen, kept in a max-heap.
struct NeighbourHeap {
    let capacity: Int
    var items: [(Float, Int32)] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity)
    }

    mutating func clear() { items.removeAll(keepingCapacity: true) }

    mutating func offer(_ distance: Float, _ index: Int32) {
        if items.count < capacity {
            items.append((distance, index))
            var c = items.count - 1
            while c > 0 {
                let parent = (c - 1) / 2
                if items[parent].0 >= items[c].0 { break }
                items.swapAt(parent, c)
                c = parent
            }
        } else if distance < items[0].0 {
            items[0] = (distance, index)
            var p = 0
            while true {
                let l = 2 * p + 1
                let r = l + 1
                var largest = p
                if l < items.count && items[l].0 > items[largest].0 { largest = l }
                if r < items.count && items[r].0 > items[largest].0 { largest = r }
                if largest == p { break }
                items.swapAt(p, largest)
                p = largest
            }
        }
    }

    func sortedAscending() -> [(Float, Int32)] {
        items.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    }
}
