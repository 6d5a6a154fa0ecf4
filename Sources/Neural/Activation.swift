import CKernels
import Support

/// The element-wise non-linearities' kernels (the cases are Terms' `Activation`). Every
/// derivative is computed from the layer's OUTPUT (y), not its input, so a layer keeps one
/// tensor for backward and can fuse the activation into its own output buffer. The leaky
/// slope 0.2 is the usual choice in autoencoder and GAN tutorials (Keras's default is 0.3,
/// PyTorch's 0.01); see docs/engine.md.
extension Activation {
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
        ComputeTeam.engine.forEachRange(rows, minimum: minimumRows, alignment: 1) { band in
            applyBlock(values, stride: width, rows: band, columns: 0..<width, bias: bias)
        }
    }

    /// Below this many elements, element-wise work stays on one thread.
    static let elementsPerBand = 1 << 14

    /// y = f(x + bias) in place over one block of a row-major matrix (rows x columns of it,
    /// its rows `stride` apart; `bias` indexed by the matrix's column), on the calling thread:
    /// for callers already inside a job, such as a product's bands.
    func applyBlock(
        _ matrix: UnsafeMutablePointer<Float>, stride: Int, rows: Range<Int>, columns: Range<Int>,
        bias: UnsafePointer<Float>?
    ) {
        if self == .linear && bias == nil { return }
        ck_activation_rows(
            kernelCode, matrix + rows.lowerBound * stride + columns.lowerBound, Int64(rows.count),
            Int64(columns.count), Int64(stride), bias.map { $0 + columns.lowerBound })
    }

    /// This activation's number in the C kernels (CKernels.h), whose loops run it.
    private var kernelCode: Int32 {
        switch self {
        case .linear: Int32(CK_ACTIVATION_LINEAR)
        case .relu: Int32(CK_ACTIVATION_RELU)
        case .leakyRelu: Int32(CK_ACTIVATION_LEAKY_RELU)
        case .sigmoid: Int32(CK_ACTIVATION_SIGMOID)
        case .tanh: Int32(CK_ACTIVATION_TANH)
        case .elu: Int32(CK_ACTIVATION_ELU)
        case .softplus: Int32(CK_ACTIVATION_SOFTPLUS)
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
        ComputeTeam.engine.forEachRange(count, minimum: Activation.elementsPerBand) { band in
            let o = band.lowerBound
            derivativeProductInBand(gradient + o, output: output + o, into: result + o, count: band.count)
        }
    }

    /// `derivativeProduct` on the calling thread alone (for callers already inside a job).
    func derivativeProductInBand(
        _ gradient: UnsafePointer<Float>, output: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>,
        count: Int
    ) {
        ck_activation_derivative(kernelCode, gradient, output, result, Int64(count))
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
}
