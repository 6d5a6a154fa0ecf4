import CKernels

/// A stride-1 "same" convolution of a nearest-upsampled image, computed on the small image.
///
/// Why: a decoder's "upsample 2, conv" spends three quarters of the convolution's work on
/// copies of the same pixels. Output pixel (f·m + py, f·n + px) of the convolution reads the
/// upsampled rows f·m + py + ky - pad, which are the small image's rows m + ⌊(py + ky - pad) / f⌋:
/// for each output phase (py, px) the kernel's taps fall into a few groups that read the same
/// small pixel, so the convolution equals f² convolutions of the small image with summed
/// kernels (3x3 or 3x4 for a 5x5 or 6x6 kernel and f = 2, against 25 or 36 taps). Zero
/// padding carries over exactly: an upsampled row is outside the image exactly when its small
/// row is. The f² phase kernels are stacked as f²·filters output channels of one convolution
/// of the small image, run by the direct planar kernels.
///
///   forward:  x (h, w, cin) -> y (f·h, f·w, filters)
///             Wp = fold(W): (s, s, cin, f²·filters);  phases = conv(x, Wp) + b;  y = interleave(phases)
///   backward: dy (f·h, f·w, filters) -> dx (h, w, cin)
///             G = phases of dy;  dW += unfold(Σ G ⊙ shifted x);  db += Σ dy;  dx = conv(G, flip(Wp))
struct UpsampledConvolution: PlanarConvolution {
    let factor: Int
    /// The small image the upsampling starts from.
    let input: ImageShape
    let kernel: Int
    let filters: Int
    /// The convolution's "same" padding above and left of the upsampled image.
    let pad: Int
    /// Phase kernel taps span small-image offsets firstOffset ..< firstOffset + size.
    let firstOffset: Int
    let size: Int

    /// The fused form of an upsampling by `factor` followed by `convolution` (built for the
    /// upsampled image), or nil when the convolution is not a stride-1 "same" one that the direct
    /// kernels suit.
    init?(factor: Int, convolution g: ConvGeometry, filters: Int) {
        guard factor >= 2, g.stride == 1, g.input.height % factor == 0, g.input.width % factor == 0,
            g.outHeight == g.input.height, g.outWidth == g.input.width, g.padTop == g.padLeft,
            g.input.channels * filters * factor * factor <= 1024
        else { return nil }
        self.factor = factor
        input = ImageShape(height: g.input.height / factor, width: g.input.width / factor, channels: g.input.channels)
        kernel = g.kernel
        self.filters = filters
        pad = g.padTop
        firstOffset = UpsampledConvolution.offset(phase: 0, tap: 0, pad: pad, factor: factor)
        size =
            UpsampledConvolution.offset(phase: factor - 1, tap: kernel - 1, pad: pad, factor: factor) - firstOffset + 1
    }

    /// ⌊(phase + tap - pad) / factor⌋: the small-image offset that a tap reads for an output phase.
    private static func offset(phase: Int, tap: Int, pad: Int, factor: Int) -> Int {
        let v = phase + tap - pad
        return v >= 0 ? v / factor : -((-v + factor - 1) / factor)
    }

    private func slot(phase: Int, tap: Int) -> Int {
        UpsampledConvolution.offset(phase: phase, tap: tap, pad: pad, factor: factor) - firstOffset
    }

    private var cin: Int { input.channels }
    private var h: Int { input.height }
    private var w: Int { input.width }
    private var phaseChannels: Int { factor * factor * filters }
    var gradientCount: Int { size * size * cin * phaseChannels }
    var inputCount: Int { input.count }
    var outputCount: Int { factor * factor * h * w * filters }

    // Planar layouts (see CKernels.h), all with the small image's padded row stride: the
    // input, the phase outputs, the phases of dy as they are (for the weight gradient), the
    // phases of dy padded for the full correlation that gives dx, and dx.
    private var inputTop: Int { -firstOffset }
    private var stride: Int { w + size - 1 }
    private var plane: Int { (h + size - 1) * stride }
    private var count: Int { h * stride }
    private var outputPlane: Int { roundUp(count, 64) }
    private var gradientPlane: Int { roundUp(count, 16) }
    private var gradientTop: Int { size - 1 + firstOffset }
    private var slack: Int { 128 + 2 * size }

    /// Scratch floats per worker: forward's, then backward's (the last: 16 lanes per weight).
    var forwardScratch: [Int] { [cin * plane + slack, phaseChannels * outputPlane] }
    var backwardScratch: [Int] {
        [
            cin * plane + slack, phaseChannels * gradientPlane, phaseChannels * plane + slack, cin * outputPlane,
            16 * gradientCount,
        ]
    }

    /// The phase kernels Wp (size, size, cin, f²·filters) from the kernel W (k, k, cin, filters).
    func phaseWeights(_ weight: [Float]) -> [Float] {
        var folded = [Float](repeating: 0, count: gradientCount)
        forEachTapRun { tap, phase in
            for co in 0..<filters { folded[phase + co] += weight[tap + co] }
        }
        return folded
    }

    /// dW (k, k, cin, filters) += the phase kernels' gradient dWp folded back onto the taps.
    func addKernelGradient(_ phaseGradient: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        forEachTapRun { tap, phase in
            for co in 0..<filters { dw[tap + co] += phaseGradient[phase + co] }
        }
    }

    /// For every (output phase, kernel tap, input channel): where its `filters` weights start in
    /// the kernel W and in the phase kernels Wp, the one place that says which tap feeds which
    /// phase-kernel weight.
    private func forEachTapRun(_ body: (_ tap: Int, _ phase: Int) -> Void) {
        for py in 0..<factor {
            for px in 0..<factor {
                for ky in 0..<kernel {
                    for kx in 0..<kernel {
                        for ci in 0..<cin {
                            body(
                                ((ky * kernel + kx) * cin + ci) * filters,
                                ((slot(phase: py, tap: ky) * size + slot(phase: px, tap: kx)) * cin + ci)
                                    * phaseChannels + (py * factor + px) * filters)
                        }
                    }
                }
            }
        }
    }

    /// The phase kernels turned half a circle with channel roles swapped: (size, size, f²·filters, cin).
    func flippedPhaseWeights(_ folded: [Float]) -> [Float] {
        var flipped = [Float](repeating: 0, count: folded.count)
        for dy in 0..<size {
            for dx in 0..<size {
                let from = ((size - 1 - dy) * size + (size - 1 - dx)) * cin * phaseChannels
                let to = (dy * size + dx) * phaseChannels * cin
                for ci in 0..<cin {
                    for c in 0..<phaseChannels { flipped[to + c * cin + ci] = folded[from + ci * phaseChannels + c] }
                }
            }
        }
        return flipped
    }

    private func fillInput(_ x: UnsafePointer<Float>, into planar: UnsafeMutablePointer<Float>) {
        ck_to_planar(
            x, Int64(h), Int64(w), Int64(cin), 1, Int64(inputTop), Int64(inputTop), Int64(plane), Int64(stride), planar)
        (planar + cin * plane).update(repeating: 0, count: slack)
    }

    // forward: x (h, w, cin) -> y (f·h, f·w, filters), one sample; `bias` per phase channel.
    func forward(
        _ x: UnsafePointer<Float>, weights phaseWeights: UnsafePointer<Float>, bias phaseBias: UnsafePointer<Float>,
        scratch: [UnsafeMutablePointer<Float>], into y: UnsafeMutablePointer<Float>
    ) {
        let planar = scratch[0], out = scratch[1]
        fillInput(x, into: planar)
        ck_conv_planar_forward(
            planar, Int64(cin), Int64(plane), Int64(stride), phaseWeights, Int64(size), Int64(size),
            Int64(phaseChannels), phaseBias, out, Int64(outputPlane), Int64(count))
        ck_from_planar_phases(
            out, Int64(filters), Int64(factor), Int64(outputPlane), Int64(stride), Int64(h), Int64(w), y)
    }

    // backward: dy (f·h, f·w, filters) -> dWp lanes in the scratch, db accumulated, dx (h, w, cin)
    // when asked; one sample. `flipped` from flippedPhaseWeights, `zeros` at least cin zeros.
    func backward(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, flipped: UnsafePointer<Float>,
        zeros: UnsafePointer<Float>, scratch: [UnsafeMutablePointer<Float>], db: UnsafeMutablePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, startsGradient: Bool
    ) {
        let planar = scratch[0], gradient = scratch[1], padded = scratch[2], inputGradient = scratch[3]
        fillInput(x, into: planar)
        ck_to_planar_phases(
            dy, Int64(h), Int64(w), Int64(filters), Int64(factor), 0, 0, Int64(gradientPlane), Int64(stride), gradient)
        ck_conv_planar_weight_gradient(
            planar, Int64(cin), Int64(plane), Int64(stride), gradient, Int64(phaseChannels), Int64(gradientPlane),
            Int64(gradientPlane), Int64(size), Int64(size), scratch[Self.lanes], startsGradient ? 1 : 0)
        ck_add_channel_sums(dy, Int64(factor * factor * h * w), Int64(filters), db)
        guard let dx else { return }
        ck_to_planar_phases(
            dy, Int64(h), Int64(w), Int64(filters), Int64(factor), Int64(gradientTop), Int64(gradientTop),
            Int64(plane), Int64(stride), padded)
        (padded + phaseChannels * plane).update(repeating: 0, count: slack)
        ck_conv_planar_forward(
            padded, Int64(phaseChannels), Int64(plane), Int64(stride), flipped, Int64(size), Int64(size), Int64(cin),
            zeros, inputGradient, Int64(outputPlane), Int64(count))
        ck_from_planar(inputGradient, Int64(cin), Int64(outputPlane), Int64(stride), Int64(h), Int64(w), dx)
    }

}

private func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }
