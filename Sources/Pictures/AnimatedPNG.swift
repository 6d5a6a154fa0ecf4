/// Animated PNG (APNG 1.0): the first frame is also the default image (IDAT), the rest follow in
/// fdAT chunks; fcTL and fdAT share one sequence counter starting at 0. Viewers without APNG
/// support show the first frame.
public enum AnimatedPNG {
    /// - Parameters:
    ///   - frames: equally sized images with the same channel count.
    ///   - delayMilliseconds: how long each frame stays (stored as a fraction of 1000).
    ///   - loops: 0 repeats forever.
    public static func encode(
        frames: [Raster], delayMilliseconds: Int = 200, loops: Int = 0, level: Int32 = 6
    ) throws -> [UInt8] {
        guard let first = frames.first else { throw PicturesError.emptyInput(what: "the list of frames") }
        for frame in frames {
            try PNGEncoder.validate(frame)
            guard frame.width == first.width, frame.height == first.height, frame.channels == first.channels
            else {
                throw PicturesError.badSize(
                    what: "an animation frame", expected: first.pixels.count, actual: frame.pixels.count)
            }
        }
        guard delayMilliseconds >= 0, delayMilliseconds <= 65535 else {
            throw PicturesError.invalidOption(
                name: "delay", value: "\(delayMilliseconds)", reason: "must be between 0 and 65535 ms")
        }
        var out = PNGChunkWriter()
        out.bytes = PNGEncoder.signature
        out.chunk("IHDR", PNGEncoder.header(first))
        var actl = [UInt8]()
        actl.appendBigEndian(UInt32(frames.count))
        actl.appendBigEndian(UInt32(max(0, loops)))
        out.chunk("acTL", actl)
        var sequence: UInt32 = 0
        for (index, frame) in frames.enumerated() {
            var fctl = [UInt8]()
            fctl.appendBigEndian(sequence)
            sequence += 1
            fctl.appendBigEndian(UInt32(frame.width))
            fctl.appendBigEndian(UInt32(frame.height))
            fctl.appendBigEndian(UInt32(0))  // x offset
            fctl.appendBigEndian(UInt32(0))  // y offset
            fctl.appendBigEndian(UInt16(delayMilliseconds))
            fctl.appendBigEndian(UInt16(1000))
            fctl += [0, 0]  // dispose: none; blend: source (every frame is a full opaque image)
            out.chunk("fcTL", fctl)
            let data = try PNGEncoder.compressedScanlines(frame, level: level)
            if index == 0 {
                out.chunk("IDAT", data)
            } else {
                var fdat = [UInt8]()
                fdat.reserveCapacity(data.count + 4)
                fdat.appendBigEndian(sequence)
                sequence += 1
                fdat += data
                out.chunk("fdAT", fdat)
            }
        }
        out.chunk("IEND", [])
        return out.bytes
    }
}
