/// Which optimizer, with its constants (the learning rate is a training option, not state).
public enum OptimizerKind: Codable, Equatable, Sendable {
    /// Adam with bias correction: m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g²,
    /// p ← p - lr · m̂ / (√v̂ + ε), m̂ = m / (1-β1^t), v̂ = v / (1-β2^t). PyTorch's defaults.
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
    /// SGD with momentum as PyTorch writes it: b ← μ b + g, p ← p - lr · b.
    case sgd(momentum: Float = 0.9)
    /// RMSprop: v ← ρ v + (1-ρ) g², p ← p - lr · g / (√v + ε). Keras's ρ and ε.
    case rmsprop(rho: Float = 0.9, epsilon: Float = 1e-7)

    public var name: String {
        switch self {
        case .adam: return "adam"
        case .sgd: return "sgd"
        case .rmsprop: return "rmsprop"
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
    /// When `previous` is given (one buffer per parameter), each parameter's value before the
    /// update is written there in the same pass, for restoring after a diverged step.
    public mutating func update(_ parameters: [Parameter], learningRate lr: Float, previous: inout [[Float]]) {
        step += 1
        let keepPrevious = previous.count == parameters.count
        let kind = self.kind
        let step = self.step
        for (index, parameter) in parameters.enumerated() {
            let count = parameter.value.count
            // Moved out (not copied) so that two buffers can be written at once.
            var buffers = slots[index]
            slots[index] = []
            defer { slots[index] = buffers }
            var first = buffers[0]
            var second = buffers.count > 1 ? buffers[1] : []
            buffers = []
            defer { buffers = kind.slotCount == 2 ? [first, second] : [first] }
            parameter.value.data.withUnsafeMutableBufferPointer { pv in
                parameter.grad.data.withUnsafeBufferPointer { gv in
                    if keepPrevious {
                        previous[index].withUnsafeMutableBufferPointer { old in
                            old.baseAddress!.update(from: pv.baseAddress!, count: count)
                        }
                    }
                    let p = pv.baseAddress!, g = gv.baseAddress!
                    switch kind {
                    case .adam(let beta1, let beta2, let epsilon):
                        let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
                        first.withUnsafeMutableBufferPointer { m in
                            second.withUnsafeMutableBufferPointer { v in
                                OptimizerKernels.adam(
                                    p, g, m.baseAddress!, v.baseAddress!, count, beta1: beta1, beta2: beta2,
                                    epsilon: epsilon, stepSize: lr / c1, rootC2: c2.squareRoot())
                            }
                        }
                    case .sgd(let momentum):
                        first.withUnsafeMutableBufferPointer { b in
                            OptimizerKernels.sgd(p, g, b.baseAddress!, count, momentum: momentum, lr: lr)
                        }
                    case .rmsprop(let rho, let epsilon):
                        first.withUnsafeMutableBufferPointer { v in
                            OptimizerKernels.rmsprop(p, g, v.baseAddress!, count, rho: rho, epsilon: epsilon, lr: lr)
                        }
                    }
                }
            }
        }
    }
}

/// The update loops, as functions of their own: every value they use arrives as an argument,
/// so the compiler need not reload captured state after each store and the loops vectorise.
enum OptimizerKernels {
    static func adam(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
        _ v: UnsafeMutablePointer<Float>, _ count: Int, beta1: Float, beta2: Float, epsilon: Float,
        stepSize: Float, rootC2: Float
    ) {
        for i in 0..<count {
            let gi = g[i]
            let mi = beta1 * m[i] + (1 - beta1) * gi
            let vi = beta2 * v[i] + (1 - beta2) * gi * gi
            m[i] = mi
            v[i] = vi
            // m̂ / (√v̂ + ε) = (m / c1) / (√v / √c2 + ε), PyTorch's order of operations.
            p[i] -= stepSize * mi / (vi.squareRoot() / rootC2 + epsilon)
        }
    }

    static func sgd(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ count: Int,
        momentum: Float, lr: Float
    ) {
        for i in 0..<count {
            let bi = momentum * b[i] + g[i]
            b[i] = bi
            p[i] -= lr * bi
        }
    }

    static func rmsprop(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ count: Int,
        rho: Float, epsilon: Float, lr: Float
    ) {
        for i in 0..<count {
            let gi = g[i]
            let vi = rho * v[i] + (1 - rho) * gi * gi
            v[i] = vi
            p[i] -= lr * gi / (vi.squareRoot() + epsilon)
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
