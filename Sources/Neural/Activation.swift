/// The element-wise non-linearities. Every derivative is computed from the layer's OUTPUT
/// (y), not its input, so a layer keeps one tensor for backward and can fuse the activation
/// into its own output buffer.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case linear
    case relu
    /// max(x, 0.2 x). The slope 0.2 is the usual choice in autoencoder and GAN tutorials
    /// (Keras's default is 0.3, PyTorch's 0.01); see docs/engine.md.
    case leakyRelu = "leaky_relu"
    case sigmoid
    case tanh
    /// x for x > 0, e^x - 1 otherwise (alpha 1, as Keras and PyTorch default).
    case elu
    /// log(1 + e^x).
    case softplus

    /// Negative-side slope of `leakyRelu`.
    public static let leakySlope: Float = 0.2

    /// y = f(x) for every element, in place.
    public func apply(_ values: UnsafeMutableBufferPointer<Float>) {
        guard let base = values.baseAddress else { return }
        applyRows(base, rows: 1, width: values.count, bias: nil)
    }

    /// y = f(x + bias) row by row, in place: `values` is rows x width, `bias` has width
    /// elements (or is nil). Fusing the bias into the activation saves a pass over memory.
    /// Large batches are shared out in bands of rows on the compute team.
    public func applyRows(_ values: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>?) {
        if self == .linear && bias == nil { return }
        let minimumRows = max(1, Activation.elementsPerBand / max(width, 1))
        ComputeTeam.shared.forEachRange(rows, minimum: minimumRows, alignment: 1) { band in
            applyRowsInBand(values + band.lowerBound * width, rows: band.count, width: width, bias: bias)
        }
    }

    /// Below this many elements, element-wise work stays on one thread.
    static let elementsPerBand = 1 << 14

    private func applyRowsInBand(
        _ values: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>?
    ) {
        switch self {
        case .linear: Activation.mapRows(values, rows: rows, width: width, bias: bias) { $0 }
        case .relu: Activation.mapRows(values, rows: rows, width: width, bias: bias) { Swift.max($0, 0) }
        case .leakyRelu:
            Activation.mapRows(values, rows: rows, width: width, bias: bias) {
                $0 > 0 ? $0 : $0 * Activation.leakySlope
            }
        case .sigmoid: Activation.mapRows(values, rows: rows, width: width, bias: bias) { FastMath.sigmoid($0) }
        case .tanh: Activation.mapRows(values, rows: rows, width: width, bias: bias) { FastMath.tanh($0) }
        case .elu:
            Activation.mapRows(values, rows: rows, width: width, bias: bias) { $0 > 0 ? $0 : FastMath.exp($0) - 1 }
        case .softplus:
            Activation.mapRows(values, rows: rows, width: width, bias: bias) {
                Swift.max($0, 0) + FastMath.log1pExpNegAbs($0)
            }
        }
    }

    /// gradient *= f'(x), with f'(x) recovered from the output y = f(x); in place.
    public func multiplyDerivative(
        _ gradient: UnsafeMutablePointer<Float>, output: UnsafePointer<Float>, count: Int
    ) {
        derivativeProduct(UnsafePointer(gradient), output: output, into: gradient, count: count)
    }

    /// result[i] = gradient[i] · f'(x_i), f' recovered from the output y = f(x). `result` may be
    /// `gradient` itself.
    func derivativeProduct(
        _ gradient: UnsafePointer<Float>, output: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        if self == .linear {
            if result != UnsafeMutablePointer(mutating: gradient) { result.update(from: gradient, count: count) }
            return
        }
        ComputeTeam.shared.forEachRange(count, minimum: Activation.elementsPerBand) { band in
            let o = band.lowerBound
            derivativeProductInBand(gradient + o, output: output + o, into: result + o, count: band.count)
        }
    }

    private func derivativeProductInBand(
        _ gradient: UnsafePointer<Float>, output: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        let (g, y, r, n) = (gradient, output, result, count)
        switch self {
        case .linear: if r != UnsafeMutablePointer(mutating: g) { r.update(from: g, count: n) }
        case .relu: Activation.zipMap(g, y, r, n) { g, y in y > 0 ? g : 0 }
        case .leakyRelu: Activation.zipMap(g, y, r, n) { g, y in y > 0 ? g : g * Activation.leakySlope }
        case .sigmoid: Activation.zipMap(g, y, r, n) { g, y in g * y * (1 - y) }
        case .tanh: Activation.zipMap(g, y, r, n) { g, y in g * (1 - y * y) }
        case .elu: Activation.zipMap(g, y, r, n) { g, y in y > 0 ? g : g * (y + 1) }
        // softplus' = sigmoid(x) = 1 - e^{-y}.
        case .softplus: Activation.zipMap(g, y, r, n) { g, y in g * (1 - FastMath.exp(-y)) }
        }
    }

    /// dL/d(input) of this activation from dL/d(output) `dy` and its cached `output`; throws
    /// when the two shapes differ (`layer` names the layer in the message). Written straight
    /// into a new tensor: copying dy first and scaling in place would cost a pass over memory.
    public func inputGradient(_ dy: Tensor, output: Tensor, layer: String) throws -> Tensor {
        guard dy.shape == output.shape else {
            throw ShapeError(
                "\(layer) produced \(Tensor.describe(output.shape)) but its gradient is \(Tensor.describe(dy.shape))")
        }
        if self == .linear { return dy }
        return Tensor(shape: dy.shape) { dx in
            dy.data.withUnsafeBufferPointer { g in
                output.data.withUnsafeBufferPointer { y in
                    derivativeProduct(g.baseAddress!, output: y.baseAddress!, into: dx.baseAddress!, count: dx.count)
                }
            }
        }
    }

    @inline(__always)
    private static func mapRows(
        _ values: UnsafeMutablePointer<Float>, rows: Int, width: Int, bias: UnsafePointer<Float>?,
        _ f: (Float) -> Float
    ) {
        if let bias {
            for row in 0..<rows {
                let line = values + row * width
                for j in 0..<width { line[j] = f(line[j] + bias[j]) }
            }
        } else {
            for i in 0..<(rows * width) { values[i] = f(values[i]) }
        }
    }

    @inline(__always)
    private static func zipMap(
        _ gradient: UnsafePointer<Float>, _ output: UnsafePointer<Float>, _ result: UnsafeMutablePointer<Float>,
        _ count: Int, _ f: (Float, Float) -> Float
    ) {
        for i in 0..<count { result[i] = f(gradient[i], output[i]) }
    }
}
