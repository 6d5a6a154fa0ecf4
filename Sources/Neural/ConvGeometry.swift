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
                        + "\(shapeInParentheses(input.dimensions)); use padding same or a smaller kernel")
            }
            outHeight = (input.height - kernel) / stride + 1
            outWidth = (input.width - kernel) / stride + 1
            padTop = 0
            padLeft = 0
        }
    }

    /// A geometry with explicit padding and output size, for convolutions derived from another
    /// (the input gradient of a stride-1 convolution is a convolution of the output gradient).
    init(input: ImageShape, kernel: Int, padTop: Int, padLeft: Int, outHeight: Int, outWidth: Int) {
        self.input = input
        self.kernel = kernel
        self.stride = 1
        self.padTop = padTop
        self.padLeft = padLeft
        self.outHeight = outHeight
        self.outWidth = outWidth
    }

    /// For a stride-1 convolution: the geometry over its output gradient (outHeight, outWidth,
    /// filters) whose im2col, times the flipped kernel, gives the input gradient directly
    /// (a "full" correlation), with no col2im scatter.
    func inputGradientGeometry(filters: Int) -> ConvGeometry {
        ConvGeometry(
            input: ImageShape(height: outHeight, width: outWidth, channels: filters), kernel: kernel,
            padTop: kernel - 1 - padTop, padLeft: kernel - 1 - padLeft, outHeight: input.height,
            outWidth: input.width)
    }

    /// Rows and columns of the zero-padded image that the windows cover.
    var paddedHeight: Int { (outHeight - 1) * stride + kernel }
    var paddedWidth: Int { (outWidth - 1) * stride + kernel }
    /// Floats of scratch `im2col` needs for its padded copy of one image.
    var paddedCount: Int { paddedHeight * paddedWidth * input.channels }

    /// Fills `col` with one im2col row per output pixel for `samples` consecutive images:
    /// col[(n, oy, ox)][(ky, kx, c)] = image[n][oy*stride + ky - padTop][ox*stride + kx - padLeft][c],
    /// zero where the window leaves the image. Rows are patchSize long.
    /// Each image is first copied into `padded` (paddedCount floats) with its zero border, so the
    /// inner loop is a branch-free copy of kernel*channels contiguous floats per kernel row.
    /// `padded` and `col` are Scratch buffers: the copies run up to 7 floats past each run (the
    /// next run overwrites them; the last lands in the scratch's slack).
    func im2col(
        _ image: UnsafePointer<Float>, samples: Int, padded: UnsafeMutablePointer<Float>,
        into col: UnsafeMutablePointer<Float>
    ) {
        let c = input.channels, k = kernel, wp = paddedWidth, run = k * c
        var dst = col
        for n in 0..<samples {
            fillPadded(from: image + n * input.count, into: padded)
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    for ky in 0..<k {
                        copyFloatsOverrunning(
                            from: padded + ((oy * stride + ky) * wp + ox * stride) * c, to: dst, count: run)
                        dst += run
                    }
                }
            }
        }
    }

    /// Floats in one image's row expansion (see `rowExpand`).
    var rowExpandedCount: Int { paddedHeight * outWidth * kernel * input.channels }

    /// For stride 1: R[py][ox][(kx, c)] = padded[py][ox + kx][c], a kernel-fold (not
    /// kernel-squared-fold) copy of one image. The im2col matrix restricted to kernel row ky is
    /// then R itself from row ky*outWidth on, (outPixels x kernel*channels) with leading
    /// dimension kernel*channels, so a GEMM can read it in place.
    func rowExpand(
        _ image: UnsafePointer<Float>, padded: UnsafeMutablePointer<Float>, into r: UnsafeMutablePointer<Float>
    ) {
        let c = input.channels, run = kernel * c, wp = paddedWidth
        fillPadded(from: image, into: padded)
        var dst = r
        for py in 0..<paddedHeight {
            for ox in 0..<outWidth {
                copyFloatsOverrunning(from: padded + (py * wp + ox) * c, to: dst, count: run)
                dst += run
            }
        }
    }

    /// Copies one image into `padded` (paddedCount floats) inside its zero border.
    private func fillPadded(from image: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        let c = input.channels, hp = paddedHeight, wp = paddedWidth
        let columns = min(input.width, wp - padLeft)
        padded.update(repeating: 0, count: paddedCount)
        guard columns > 0 else { return }
        for iy in 0..<input.height where iy + padTop < hp {
            (padded + ((iy + padTop) * wp + padLeft) * c).update(from: image + iy * input.width * c, count: columns * c)
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

/// Copies a short run of floats with 8-wide loads and stores: the runs in im2col are 5 to a few
/// hundred floats long, where a call to memmove per run costs more than the copy.
@inline(__always)
func copyFloats(from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
        UnsafeMutableRawPointer(destination + i).storeBytes(
            of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        destination[i] = source[i]
        i += 1
    }
}

/// Writes `pattern` (width floats) into each of `rows` consecutive rows: the first row, then
/// doubling copies, so that a bias of one to a few floats costs a handful of memmoves rather
/// than one per pixel.
func fillRows(_ destination: UnsafeMutablePointer<Float>, rows: Int, with pattern: UnsafePointer<Float>, width: Int) {
    guard rows > 0, width > 0 else { return }
    destination.update(from: pattern, count: width)
    var filled = 1
    while filled < rows {
        let chunk = min(filled, rows - filled)
        (destination + filled * width).update(from: destination, count: chunk * width)
        filled += chunk
    }
}

/// Copies `count` floats rounded up to a multiple of 8, in 8-wide moves and with no scalar tail:
/// for im2col's runs (5, 20, 28 floats, ...) that are written in increasing order, each run's
/// overrun is overwritten by the next one. Both buffers need 7 floats of room past the run.
@inline(__always)
func copyFloatsOverrunning(from source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i < count {
        UnsafeMutableRawPointer(destination + i).storeBytes(
            of: UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
        i += 8
    }
}
