/// The geometry of one 2-D convolution over a channels-last image: the window positions, the
/// padding and the output size, with TensorFlow's rule for "same" (odd total padding puts the
/// extra row/column at the bottom/right), so even kernels such as 6 match Keras exactly.
///
/// A transposed convolution uses the geometry of the convolution it is the adjoint of
/// (from its output back to its input), as TensorFlow defines it.
struct ConvGeometry: Equatable, Sendable {
    let input: ImageShape
    let kernel: Int
    let stride: Int
    let outHeight: Int
    let outWidth: Int
    let padTop: Int
    let padLeft: Int

    /// Values in one im2col row: a kernel x kernel x channels patch.
    var patchSize: Int { kernel * kernel * input.channels }
    var outPixels: Int { outHeight * outWidth }

    init(input: ImageShape, kernel: Int, stride: Int, padding: Padding, layer: String) throws {
        guard kernel >= 1, stride >= 1 else {
            throw ShapeError(
                "\(layer) needs a kernel and stride of at least 1 (got kernel \(kernel), stride \(stride))")
        }
        self.input = input
        self.kernel = kernel
        self.stride = stride
        switch padding {
        case .same:
            outHeight = (input.height + stride - 1) / stride
            outWidth = (input.width + stride - 1) / stride
            padTop = max((outHeight - 1) * stride + kernel - input.height, 0) / 2
            padLeft = max((outWidth - 1) * stride + kernel - input.width, 0) / 2
        case .valid:
            guard input.height >= kernel, input.width >= kernel else {
                throw ShapeError(
                    "\(layer) with padding valid needs an image at least \(kernel)x\(kernel) but got "
                        + "\(describeShape(input.dimensions)); use padding same or a smaller kernel")
            }
            outHeight = (input.height - kernel) / stride + 1
            outWidth = (input.width - kernel) / stride + 1
            padTop = 0
            padLeft = 0
        }
    }

    /// Fills `col` with one im2col row per output pixel for `samples` consecutive images:
    /// col[(n, oy, ox)][(ky, kx, c)] = image[n][oy*stride + ky - padTop][ox*stride + kx - padLeft][c],
    /// zero where the window leaves the image. Rows are patchSize long.
    func im2col(_ image: UnsafePointer<Float>, samples: Int, into col: UnsafeMutablePointer<Float>) {
        let c = input.channels, k = kernel, rowLength = patchSize
        for n in 0..<samples {
            let src = image + n * input.count
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    let row = col + ((n * outHeight + oy) * outWidth + ox) * rowLength
                    let ix0 = ox * stride - padLeft
                    let kxLow = max(0, -ix0), kxHigh = min(k, input.width - ix0)
                    for ky in 0..<k {
                        let dst = row + ky * k * c
                        let iy = oy * stride + ky - padTop
                        guard iy >= 0, iy < input.height, kxLow < kxHigh else {
                            dst.update(repeating: 0, count: k * c)
                            continue
                        }
                        if kxLow > 0 { dst.update(repeating: 0, count: kxLow * c) }
                        dst.advanced(by: kxLow * c).update(
                            from: src + (iy * input.width + ix0 + kxLow) * c, count: (kxHigh - kxLow) * c)
                        if kxHigh < k { dst.advanced(by: kxHigh * c).update(repeating: 0, count: (k - kxHigh) * c) }
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds every col entry back onto the image position it was read
    /// from. `image` is overwritten (zeroed first) for the `samples` images.
    func col2im(_ col: UnsafePointer<Float>, samples: Int, into image: UnsafeMutablePointer<Float>) {
        let c = input.channels, k = kernel, rowLength = patchSize
        image.update(repeating: 0, count: samples * input.count)
        for n in 0..<samples {
            let dstImage = image + n * input.count
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    let row = col + ((n * outHeight + oy) * outWidth + ox) * rowLength
                    let ix0 = ox * stride - padLeft
                    let kxLow = max(0, -ix0), kxHigh = min(k, input.width - ix0)
                    guard kxLow < kxHigh else { continue }
                    let run = (kxHigh - kxLow) * c
                    for ky in 0..<k {
                        let iy = oy * stride + ky - padTop
                        guard iy >= 0, iy < input.height else { continue }
                        let src = row + ky * k * c + kxLow * c
                        let dst = dstImage + (iy * input.width + ix0 + kxLow) * c
                        for i in 0..<run { dst[i] += src[i] }
                    }
                }
            }
        }
    }
}
