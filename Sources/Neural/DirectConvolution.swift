import CKernels

/// A stride-1 convolution computed directly over planar copies of each image (C kernels in
/// CKernels/direct_convolution.c), for layers with few channels.
///
/// Why: the autoencoders here have 1 to 16 channels, so im2col turns each convolution into a
/// product with only 1 to 8 columns, which runs far below the GEMM rate (the seed-002 model's
/// first conv, 1 -> 4 channels, ran at 19 GFLOP/s). Vectorising along each output row instead
/// keeps every lane busy whatever the channel counts.
///
/// Per sample, with P the zero-padded planar input, G the planar output gradient padded for a
/// "full" correlation, and W' the kernel turned half a circle with its channel roles swapped:
///   forward:  y = conv(P, W) + b
///   backward: dW += Σ_pixels G ⊙ shifted P;  db += Σ_pixels dy;  dx = conv(G, W')
struct DirectConvolution: PlanarConvolution {
    let geometry: ConvGeometry
    let filters: Int

    /// Few enough channels that the direct kernels beat im2col and sgemm (measured on the
    /// seed-002 model's layers, 1x4 to 16x8 channels).
    static func suits(_ geometry: ConvGeometry, filters: Int) -> Bool {
        geometry.stride == 1 && geometry.input.channels * filters <= 256
    }

    private var k: Int { geometry.kernel }
    private var cin: Int { geometry.input.channels }
    private var height: Int { geometry.input.height }
    private var width: Int { geometry.input.width }
    private var oh: Int { geometry.outHeight }
    private var ow: Int { geometry.outWidth }

    // Planar layouts (see CKernels.h): the padded input, the output, dy as it is (for the
    // weight gradient), dy padded for the full correlation, and dx.
    private var stride: Int { ow + k - 1 }
    private var inputPlane: Int { (oh + k - 1) * stride }
    private var count: Int { oh * stride }
    private var outputPlane: Int { roundUp(count, 64) }
    private var gradientPlane: Int { roundUp(count, 16) }
    private var paddedStride: Int { width + k - 1 }
    private var paddedPlane: Int { (height + k - 1) * paddedStride }
    private var inputGradientCount: Int { height * paddedStride }
    private var inputGradientPlane: Int { roundUp(inputGradientCount, 64) }
    /// Zeros after the last plane of an input, where the kernels' last vectors read.
    private var slack: Int { 128 + 2 * k }

    /// Scratch floats per worker: the forward pass's, then the backward pass's buffers (the
    /// last holds 16 partial sums per weight; see `backward`).
    var forwardScratch: [Int] { [cin * inputPlane + slack, filters * outputPlane] }
    var backwardScratch: [Int] {
        [
            cin * inputPlane + slack, filters * gradientPlane, filters * paddedPlane + slack,
            cin * inputGradientPlane, 16 * gradientCount,
        ]
    }

    var inputCount: Int { geometry.input.count }
    var outputCount: Int { oh * ow * filters }
    var gradientCount: Int { k * k * cin * filters }

    private func fillInput(_ x: UnsafePointer<Float>, into planar: UnsafeMutablePointer<Float>) {
        ck_to_planar(
            x, Int64(height), Int64(width), Int64(cin), 1, Int64(geometry.padTop), Int64(geometry.padLeft),
            Int64(inputPlane), Int64(stride), planar)
        (planar + cin * inputPlane).update(repeating: 0, count: slack)
    }

    // forward: x (h, w, cin) -> y (oh, ow, filters), one sample
    func forward(
        _ x: UnsafePointer<Float>, weights weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        scratch: [UnsafeMutablePointer<Float>], into y: UnsafeMutablePointer<Float>
    ) {
        let planar = scratch[0], out = scratch[1]
        fillInput(x, into: planar)
        ck_conv_planar_forward(
            planar, Int64(cin), Int64(inputPlane), Int64(stride), weight, Int64(k), Int64(k), Int64(filters), bias,
            out, Int64(outputPlane), Int64(count))
        ck_from_planar(out, Int64(filters), Int64(outputPlane), Int64(stride), Int64(oh), Int64(ow), y)
    }

    // backward: dy (oh, ow, filters) -> dW, db accumulated; dx (h, w, cin) when asked, one sample.
    // `flipped` is W' in the (k, k, filters, cin) layout, `zeros` at least cin zeros. dW goes
    // into the scratch's lanes as 16 partial sums per weight (see PlanarConvolution): lane sums
    // per image would cost as much as the products on images of 14x14.
    func backward(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, flipped: UnsafePointer<Float>,
        zeros: UnsafePointer<Float>, scratch: [UnsafeMutablePointer<Float>], db: UnsafeMutablePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, startsGradient: Bool
    ) {
        let planar = scratch[0], gradient = scratch[1], padded = scratch[2], inputGradient = scratch[3]
        fillInput(x, into: planar)
        ck_to_planar(
            dy, Int64(oh), Int64(ow), Int64(filters), 1, 0, 0, Int64(gradientPlane), Int64(stride), gradient)
        ck_conv_planar_weight_gradient(
            planar, Int64(cin), Int64(inputPlane), Int64(stride), gradient, Int64(filters), Int64(gradientPlane),
            Int64(gradientPlane), Int64(k), Int64(k), scratch[Self.lanes], startsGradient ? 1 : 0)
        ck_add_channel_sums(dy, Int64(oh * ow), Int64(filters), db)
        guard let dx else { return }
        ck_to_planar(
            dy, Int64(oh), Int64(ow), Int64(filters), 1, Int64(k - 1 - geometry.padTop),
            Int64(k - 1 - geometry.padLeft), Int64(paddedPlane), Int64(paddedStride), padded)
        (padded + filters * paddedPlane).update(repeating: 0, count: slack)
        ck_conv_planar_forward(
            padded, Int64(filters), Int64(paddedPlane), Int64(paddedStride), flipped, Int64(k), Int64(k), Int64(cin),
            zeros, inputGradient, Int64(inputGradientPlane), Int64(inputGradientCount))
        ck_from_planar(
            inputGradient, Int64(cin), Int64(inputGradientPlane), Int64(paddedStride), Int64(height), Int64(width), dx)
    }
}

private func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }
