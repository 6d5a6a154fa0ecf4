/// An 8-bit image in memory, row-major, channels interleaved (1 grey, 3 RGB, 4 RGBA).
public struct Raster: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int = 1, fill: UInt8 = 0) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = [UInt8](repeating: fill, count: max(0, width * height * channels))
    }

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0 else { throw PicturesError.badDimensions(width: width, height: height) }
        guard [1, 3, 4].contains(channels) else { throw PicturesError.unsupportedChannels(channels) }
        guard pixels.count == width * height * channels else {
            throw PicturesError.badSize(
                what: "the pixel buffer", expected: width * height * channels, actual: pixels.count)
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    public var bytesPerRow: Int { width * channels }

    /// Grey level of a [0, 1] intensity; out-of-range values are clamped, NaN draws as black.
    @inline(__always)
    public static func grey(_ value: Float) -> UInt8 {
        guard value == value else { return 0 }
        return UInt8((min(max(value, 0), 1) * 255).rounded())
    }
}
