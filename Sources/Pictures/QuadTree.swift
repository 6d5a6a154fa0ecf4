/// A Barnes-Hut quadtree over 2-D points, rebuilt every t-SNE iteration: each cell keeps its
/// point count and centre of mass, so a far-away cell acts as one heavy point.
struct QuadTree {
    struct Node {
        var sumX: Float = 0
        var sumY: Float = 0
        var count: Int32 = 0
        /// Index of the first of four children, or -1 for a leaf.
        var firstChild: Int32 = -1
        var midX: Float
        var midY: Float
        var half: Float
        /// (cell width)^2, compared against theta^2 x distance^2.
        var width2: Float
    }

    var nodes: [Node] = []
    var blocks = Blocks()
    static let maximumDepth = 48

    /// Rebuilds the tree over `n` points stored as x0, y0, x1, y1, ...
    mutating func build(_ y: UnsafePointer<Float>, count n: Int) {
        var minX = Float.infinity
        var maxX = -Float.infinity
        var minY = Float.infinity
        var maxY = -Float.infinity
        for i in 0..<n {
            minX = min(minX, y[2 * i])
            maxX = max(maxX, y[2 * i])
            minY = min(minY, y[2 * i + 1])
            maxY = max(maxY, y[2 * i + 1])
        }
        let half = max(maxX - minX, maxY - minY) * 0.5 * 1.001 + 1e-5
        nodes.removeAll(keepingCapacity: true)
        nodes.append(Node(midX: (minX + maxX) / 2, midY: (minY + maxY) / 2, half: half, width2: 4 * half * half))
        // Leaves remember one occupant; its coordinates are re-read from `y` when a leaf splits.
        var occupant = [Int32](repeating: -1, count: 1)
        occupant.reserveCapacity(4 * n)
        for p in 0..<n {
            let x0 = y[2 * p]
            let y0 = y[2 * p + 1]
            var index = 0
            var depth = 0
            while true {
                nodes[index].count += 1
                nodes[index].sumX += x0
                nodes[index].sumY += y0
                if nodes[index].firstChild < 0 {
                    if nodes[index].count == 1 {
                        occupant[index] = Int32(p)
                        break
                    }
                    let q = Int(occupant[index])
                    let qx = y[2 * q]
                    let qy = y[2 * q + 1]
                    // Coincident points (or a pathological depth) share a leaf.
                    if depth >= Self.maximumDepth || (qx == x0 && qy == y0) { break }
                    let first = nodes.count
                    let node = nodes[index]
                    let h = node.half / 2
                    for quadrant in 0..<4 {
                        let cx = node.midX + (quadrant & 1 == 0 ? -h : h)
                        let cy = node.midY + (quadrant & 2 == 0 ? -h : h)
                        nodes.append(Node(midX: cx, midY: cy, half: h, width2: 4 * h * h))
                        occupant.append(-1)
                    }
                    nodes[index].firstChild = Int32(first)
                    occupant[index] = -1
                    // The earlier occupants (all at qx, qy) move down as one.
                    let moved = node.count - 1
                    let child = first + Self.quadrant(qx, qy, node)
                    nodes[child].count = moved
                    nodes[child].sumX = qx * Float(moved)
                    nodes[child].sumY = qy * Float(moved)
                    occupant[child] = Int32(q)
                }
                let node = nodes[index]
                index = Int(node.firstChild) + Self.quadrant(x0, y0, node)
                depth += 1
            }
        }
        blocks.fill(from: nodes)
    }

    @inline(__always)
    static func quadrant(_ x: Float, _ y: Float, _ node: Node) -> Int {
        (x < node.midX ? 0 : 1) | (y < node.midY ? 0 : 2)
    }

    /// The tree re-laid for traversal: block 0 holds the root (other lanes empty), and block b > 0
    /// holds the four children created together at node 1 + 4 (b - 1), as SIMD lanes: centre of
    /// mass, squared width, count, and the block of each lane's children (-1 for a leaf).
    struct Blocks {
        var x: [SIMD4<Float>] = []
        var y: [SIMD4<Float>] = []
        var width2: [SIMD4<Float>] = []
        var count: [SIMD4<Float>] = []
        var children: [SIMD4<Int32>] = []

        mutating func fill(from nodes: [Node]) {
            let blocks = 1 + (nodes.count - 1) / 4
            x = .init(repeating: .zero, count: blocks)
            y = .init(repeating: .zero, count: blocks)
            width2 = .init(repeating: .zero, count: blocks)
            count = .init(repeating: .zero, count: blocks)
            children = .init(repeating: SIMD4(repeating: -1), count: blocks)
            for (index, node) in nodes.enumerated() {
                let block = index == 0 ? 0 : (index - 1) / 4 + 1
                let lane = index == 0 ? 0 : (index - 1) % 4
                let c = Float(node.count)
                x[block][lane] = node.count > 0 ? node.sumX / c : 0
                y[block][lane] = node.count > 0 ? node.sumY / c : 0
                width2[block][lane] = node.width2
                count[block][lane] = c
                children[block][lane] = node.firstChild < 0 ? -1 : (node.firstChild - 1) / 4 + 1
            }
        }
    }

    /// The repulsive term for the point at (x, y): returns (Σ n_c q_c² dx, Σ n_c q_c² dy, Σ n_c q_c)
    /// with q = 1 / (1 + distance²), over cells that look smaller than theta from the point
    /// (width² < theta² distance²) and over leaves. Four sibling cells are tested at once. The
    /// point itself contributes nothing: its own leaf lies at distance 0 and adds exactly 1 to
    /// the sum, which is taken off.
    @inline(__always)
    static func repulsion(
        _ blocks: BlockPointers, x: Float, y: Float, theta2: Float, stack: UnsafeMutablePointer<Int32>
    ) -> (Float, Float, Double) {
        let px = SIMD4<Float>(repeating: x)
        let py = SIMD4<Float>(repeating: y)
        let t2 = SIMD4<Float>(repeating: theta2)
        var fx = SIMD4<Float>.zero
        var fy = SIMD4<Float>.zero
        var sumQ = SIMD4<Float>.zero
        stack[0] = 0
        var top = 1
        while top > 0 {
            top -= 1
            let b = Int(stack[top])
            let count = blocks.count[b]
            let dx = px - blocks.x[b]
            let dy = py - blocks.y[b]
            let d2 = dx * dx + dy * dy
            let children = blocks.children[b]
            let occupied = count .> 0
            let summarised = occupied .& ((children .< 0) .| (blocks.width2[b] .< t2 * d2))
            let q = 1 / (1 + d2)
            let m = SIMD4<Float>.zero.replacing(with: count * q, where: summarised)
            sumQ += m
            let f = m * q
            fx += f * dx
            fy += f * dy
            let open = occupied .& .!summarised
            if any(open) {
                for lane in 0..<4 where open[lane] {
                    stack[top] = children[lane]
                    top += 1
                }
            }
        }
        return (fx.sum(), fy.sum(), Double(sumQ.sum()) - 1)
    }
}

/// Raw views of QuadTree.Blocks for the worker threads (valid while the tree is not rebuilt).
struct BlockPointers: @unchecked Sendable {
    let x: UnsafePointer<SIMD4<Float>>
    let y: UnsafePointer<SIMD4<Float>>
    let width2: UnsafePointer<SIMD4<Float>>
    let count: UnsafePointer<SIMD4<Float>>
    let children: UnsafePointer<SIMD4<Int32>>
}

extension QuadTree.Blocks {
    func withPointers<R>(_ body: (BlockPointers) -> R) -> R {
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                width2.withUnsafeBufferPointer { wp in
                    count.withUnsafeBufferPointer { cp in
                        children.withUnsafeBufferPointer { hp in
                            body(
                                BlockPointers(
                                    x: xp.baseAddress!, y: yp.baseAddress!, width2: wp.baseAddress!,
                                    count: cp.baseAddress!,
                                    children: hp.baseAddress!))
                        }
                    }
                }
            }
        }
    }
}
