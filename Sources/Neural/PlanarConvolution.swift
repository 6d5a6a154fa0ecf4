import CKernels

/// What Conv2D needs of a convolution run one image at a time by the direct planar kernels:
/// DirectConvolution (the convolution itself) and UpsampledConvolution (of an upsampled image).
protocol PlanarConvolution {
    /// Floats in one input image and in one output image.
    var inputCount: Int { get }
    var outputCount: Int { get }
    /// Weights whose gradient `backward` gathers (the kernel, or the phase kernels).
    var gradientCount: Int { get }
    /// Scratch floats per worker. The fifth backward buffer holds 16 partial sums per gradient
    /// weight (zeroed before a run of images, added up once after it).
    var forwardScratch: [Int] { get }
    var backwardScratch: [Int] { get }

    // forward: x (one input image) -> y (one output image)
    func forward(
        _ x: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        scratch: [UnsafeMutablePointer<Float>], into y: UnsafeMutablePointer<Float>)

    // backward: dy (one output image) -> weight-gradient lanes in the scratch, db accumulated,
    // dx (one input image) when asked. `flipped`: the weights turned half a circle with channel
    // roles swapped; `zeros`: at least as many zeros as input channels.
    func backward(
        _ x: UnsafePointer<Float>, outputGradient dy: UnsafePointer<Float>, flipped: UnsafePointer<Float>,
        zeros: UnsafePointer<Float>, scratch: [UnsafeMutablePointer<Float>], db: UnsafeMutablePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, startsGradient: Bool)
}

extension PlanarConvolution {
    /// Index of the weight-gradient lanes among the backward scratch buffers.
    static var lanes: Int { 4 }

    /// dw += the weight gradient gathered in the lanes by the `backward`s since the one that
    /// started it.
    func sumGradient(scratch: [UnsafeMutablePointer<Float>], into dw: UnsafeMutablePointer<Float>) {
        ck_sum_lanes(scratch[Self.lanes], Int64(gradientCount), dw)
    }
}
