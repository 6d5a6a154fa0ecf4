import CKernels
import Support

/// Which optimizer, with its constants (the learning rate is a training option, not state).
public enum OptimizerKind: Codable, Equatable, Sendable {
    /// Adam with bias correction: m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g²,
    /// p ← p - lr · m̂ / (√v̂ + ε), m̂ = m / (1-β1^t), v̂ = v / (1-β2^t). PyTorch's defaults.
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
    /// SGD with momentum as PyTorch writes it: b ← μ b + g, p ← p - lr · b.
    case sgd(momentum: Float = 0.9)
    /// RMSprop: v ← ρ v + (1-ρ) g², p ← p - lr · g / (√v + ε). Keras's ρ and ε.
    case rmsprop(rho: Float = 0.9, epsilon: Float = 1e-7)

    /// The optimizer with the constants above.
    public init(_ name: OptimizerName) {
        switch name {
        case .adam: self = .adam()
        case .sgd: self = .sgd()
        case .rmsprop: self = .rmsprop()
        }
    }

    public var name: OptimizerName {
        switch self {
        case .adam: return .adam
        case .sgd: return .sgd
        case .rmsprop: return .rmsprop
        }
    }

    /// Per-parameter buffers the optimizer keeps (Adam: m and v; the others: one).
    var slotCount: Int {
        if case .adam = self { return 2 }
        return 1
    }
}

/// An optimizer's state, kept with the model so that training pauses and goes on exactly:
/// the step count and, for each parameter (in the model's parameter order), its buffers.
public struct OptimizerState: Codable, Equatable, Sendable {
    public var kind: OptimizerKind
    public var step: Int
    /// slots[parameter][slot] is a buffer with that parameter's element count.
    public var slots: [[[Float]]]

    public init(kind: OptimizerKind, parameters: [Parameter]) {
        self.kind = kind
        self.step = 0
        self.slots = parameters.map { p in
            Array(repeating: [Float](repeating: 0, count: p.value.count), count: kind.slotCount)
        }
    }

    /// Whether this state fits these parameters (same count and sizes).
    public func fits(_ parameters: [Parameter]) -> Bool {
        slots.count == parameters.count
            && zip(slots, parameters).allSatisfy { slot, p in slot.allSatisfy { $0.count == p.value.count } }
    }

    /// Applies one update from the gradients in `parameters` with learning rate `lr`.
    /// When `previous` is given (one buffer per parameter), it receives each parameter's values
    /// from before the update, for restoring after a diverged step: the new values are written
    /// into the `previous` buffer and the two arrays then swap, so keeping the old values costs
    /// no copy. All parameters are updated in one job on the compute team, in chunks.
    public mutating func update(_ parameters: [Parameter], learningRate lr: Float, previous: inout [[Float]]) {
        step += 1
        let keepPrevious = previous.count == parameters.count
        let (kind, step) = (self.kind, self.step)
        var open: [UpdateBuffers] = []
        withUpdateBuffers(parameters, from: 0, keepPrevious: keepPrevious, previous: &previous, open: &open) { all in
            ComputeTeam.engine.forEachChunk(sizes: all.map(\.count), chunk: 1 << 15) { item, band in
                let b = all[item], o = band.lowerBound
                kind.applyUpdate(
                    b.values + o, into: b.out + o, b.gradient + o, b.first + o, b.second.map { $0 + o }, band.count,
                    learningRate: lr, step: step)
            }
        }
        if keepPrevious {
            for (index, parameter) in parameters.enumerated() { swap(&parameter.value.data, &previous[index]) }
        }
    }

    /// Opens the buffers of parameters[index...] one level of recursion each (so that every
    /// array is borrowed by its own frame) and calls `body` with all of them open.
    private mutating func withUpdateBuffers(
        _ parameters: [Parameter], from index: Int, keepPrevious: Bool, previous: inout [[Float]],
        open: inout [UpdateBuffers], _ body: ([UpdateBuffers]) -> Void
    ) {
        guard index < parameters.count else { return body(open) }
        // Moved out (not copied) so that they can be written while the others are open.
        var first = slots[index][0]
        var second = slots[index].count > 1 ? slots[index][1] : []
        slots[index] = []
        var old = keepPrevious ? previous[index] : []
        if keepPrevious { previous[index] = [] }
        defer {
            slots[index] = kind.slotCount == 2 ? [first, second] : [first]
            if keepPrevious { previous[index] = old }
        }
        let parameter = parameters[index]
        parameter.value.data.withUnsafeMutableBufferPointer { pv in
            parameter.grad.data.withUnsafeBufferPointer { gv in
                first.withUnsafeMutableBufferPointer { fv in
                    second.withUnsafeMutableBufferPointer { sv in
                        old.withUnsafeMutableBufferPointer { ov in
                            let values = pv.baseAddress!
                            open.append(
                                UpdateBuffers(
                                    values: values, out: keepPrevious ? ov.baseAddress! : values,
                                    gradient: gv.baseAddress!, first: fv.baseAddress!, second: sv.baseAddress,
                                    count: pv.count))
                            withUpdateBuffers(
                                parameters, from: index + 1, keepPrevious: keepPrevious, previous: &previous,
                                open: &open, body)
                        }
                    }
                }
            }
        }
    }
}

/// One parameter's arrays during an update: its values, where the new values go, its gradient
/// and the optimizer's slots (Adam's m and v).
private struct UpdateBuffers {
    let values: UnsafeMutablePointer<Float>
    let out: UnsafeMutablePointer<Float>
    let gradient: UnsafePointer<Float>
    let first: UnsafeMutablePointer<Float>
    let second: UnsafeMutablePointer<Float>?
    let count: Int
}

extension OptimizerKind {
    /// One update of `count` values p from their gradients and slot buffers (`second` is Adam's
    /// v), written to `out` (which may be p itself).
    func applyUpdate(
        _ p: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
        _ first: UnsafeMutablePointer<Float>, _ second: UnsafeMutablePointer<Float>?, _ count: Int,
        learningRate lr: Float, step: Int
    ) {
        switch self {
        case .adam(let beta1, let beta2, let epsilon):
            let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
            ck_adam(p, out, g, first, second!, Int64(count), beta1, beta2, epsilon, lr / c1, c2.squareRoot())
        case .sgd(let momentum):
            ck_sgd(p, out, g, first, Int64(count), momentum, lr)
        case .rmsprop(let rho, let epsilon):
            ck_rmsprop(p, out, g, first, Int64(count), rho, epsilon, lr)
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
