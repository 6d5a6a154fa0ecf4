/// Images with their labels, `height * width * channels` bytes 0...255 per image, row-major,
/// read from shared `ImageBytes` (usually a cache file every kernel maps). A slice or a label's
/// images is a view of the same bytes: only the labels and, for a label, the row numbers are
/// its own. `pixels` gives them as Float32 scaled to [0, 1], as the engine takes them.
public struct LabelledImages: Sendable, Equatable {
    public let bytes: ImageBytes
    /// Byte offset in `bytes` of the first stored image.
    let firstImage: Int
    /// The stored images this set holds, in order; nil: `count` of them in a row from `start`.
    public let rows: [Int]?
    let start: Int
    public private(set) var labels: [UInt8]
    public let height: Int
    public let width: Int
    public let channels: Int

    init(
        bytes: ImageBytes, firstImage: Int, start: Int = 0, rows: [Int]? = nil, labels: [UInt8], height: Int,
        width: Int, channels: Int
    ) {
        let stored = rows.map { ($0.max() ?? -1) + 1 } ?? (start + labels.count)
        precondition(firstImage + stored * height * width * channels <= bytes.count)
        self.bytes = bytes
        self.firstImage = firstImage
        self.start = start
        self.rows = rows
        self.labels = labels
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// Images held in memory (a test's, or a file's when no cache can be written).
    public init(bytes pixels: [UInt8], labels: [UInt8], height: Int, width: Int, channels: Int = 1, note: String? = nil)
    {
        precondition(pixels.count == labels.count * height * width * channels)
        self.init(
            bytes: pixels.withUnsafeBytes { ImageBytes(copying: $0, note: note) }, firstImage: 0, labels: labels,
            height: height, width: width, channels: channels)
    }

    public var count: Int { labels.count }
    public var imageSize: Int { height * width * channels }

    /// The first image's bytes and the stored rows, for a reader that gathers images itself:
    /// with `rows` nil, image i is at `base + i * imageSize`, else at `base + rows[i] * imageSize`.
    public var storage: (base: UnsafePointer<UInt8>, rows: [Int]?) {
        let first = bytes.base.assumingMemoryBound(to: UInt8.self) + firstImage
        return rows == nil ? (first + start * imageSize, nil) : (first, rows)
    }

    /// The bytes of image `i`.
    public func imageBytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let stored = rows?[i] ?? start + i
        return bytes.buffer((firstImage + stored * imageSize)..<(firstImage + (stored + 1) * imageSize))
    }

    /// What each byte is multiplied by to give a pixel in [0, 1].
    public static let scale: Float = 1.0 / 255.0

    /// Every image's pixels as Float32 in [0, 1] (a copy: for a few images, e.g. to draw them).
    public var pixels: [Float] {
        let size = imageSize
        return [Float](unsafeUninitializedCapacity: count * size) { buffer, initialized in
            for i in 0..<count {
                let source = imageBytes(i)
                for p in 0..<size { buffer[i * size + p] = Float(source[p]) * Self.scale }
            }
            initialized = count * size
        }
    }

    /// The smallest and largest pixel, scaled (nil for no images).
    public var pixelRange: (lowest: Float, highest: Float)? {
        guard count > 0 else { return nil }
        var lo = UInt8.max, hi = UInt8.min
        for i in 0..<count {
            for b in imageBytes(i) {
                lo = min(lo, b)
                hi = max(hi, b)
            }
        }
        return (Float(lo) * Self.scale, Float(hi) * Self.scale)
    }

    /// The images at the given indices, in that order: a view of the same bytes.
    public func subset(_ indices: [Int]) -> LabelledImages {
        LabelledImages(
            bytes: bytes, firstImage: firstImage, rows: indices.map { rows?[$0] ?? start + $0 },
            labels: indices.map { labels[$0] }, height: height, width: width, channels: channels)
    }

    /// Images `range` (clamped to what exists): a view of the same bytes.
    public func slice(_ range: Range<Int>) -> LabelledImages {
        let lo = max(0, min(range.lowerBound, count)), hi = max(lo, min(range.upperBound, count))
        return LabelledImages(
            bytes: bytes, firstImage: firstImage, start: rows == nil ? start + lo : 0,
            rows: rows.map { Array($0[lo..<hi]) }, labels: Array(labels[lo..<hi]), height: height, width: width,
            channels: channels)
    }

    /// Same shape, labels and pixels.
    public static func == (a: LabelledImages, b: LabelledImages) -> Bool {
        guard a.labels == b.labels, a.height == b.height, a.width == b.width, a.channels == b.channels else {
            return false
        }
        return (0..<a.count).allSatisfy { a.imageBytes($0).elementsEqual(b.imageBytes($0)) }
    }

    /// Builds images in memory from an IDX image file and an IDX label file, checking that they agree.
    public init(images: IDXArray, labels: IDXArray, imagesPath: String, labelsPath: String, note: String? = nil)
        throws
    {
        let shape = try Self.shape(images: images, labels: labels, imagesPath: imagesPath, labelsPath: labelsPath)
        self.init(
            bytes: images.bytes, labels: labels.bytes, height: shape.height, width: shape.width,
            channels: shape.channels, note: note)
    }

    /// The (height, width, channels) of the images, after checking that the two files agree.
    static func shape(images: IDXArray, labels: IDXArray, imagesPath: String, labelsPath: String) throws -> (
        height: Int, width: Int, channels: Int
    ) {
        guard images.dimensions.count == 3 || images.dimensions.count == 4 else {
            throw DataFileError.notIDX(
                path: imagesPath,
                reason: "images need 3 dimensions (count, height, width), it has \(images.dimensions.count)")
        }
        guard labels.dimensions.count == 1 else {
            throw DataFileError.notIDX(
                path: labelsPath, reason: "labels need 1 dimension, it has \(labels.dimensions.count)")
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DataFileError.mismatchedLengths(
                images: imagesPath, labels: labelsPath, imageCount: images.dimensions[0],
                labelCount: labels.dimensions[0])
        }
        return (images.dimensions[1], images.dimensions[2], images.dimensions.count == 4 ? images.dimensions[3] : 1)
    }

    /// Loads an images file and a labels file (gzip or raw IDX) through the machine's data
    /// cache (see `ImageCache`).
    public static func load(images: String, labels: String) throws -> LabelledImages {
        try ImageCache.images(ofFiles: images, labels)
    }
}

/// A train split and a test split.
public struct TrainTestSplit: Sendable, Equatable {
    public var train: LabelledImages
    public var test: LabelledImages

    public init(train: LabelledImages, test: LabelledImages) {
        self.train = train
        self.test = test
    }
}
