/// Images with their labels: pixels scaled to [0, 1], row-major, `height * width * channels` per image.
public struct LabelledImages: Sendable, Equatable {
    public var pixels: [Float]
    public var labels: [UInt8]
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(pixels: [Float], labels: [UInt8], height: Int, width: Int, channels: Int = 1) {
        precondition(pixels.count == labels.count * height * width * channels)
        self.pixels = pixels
        self.labels = labels
        self.height = height
        self.width = width
        self.channels = channels
    }

    public var count: Int { labels.count }
    public var imageSize: Int { height * width * channels }

    /// Pixels of image `i`.
    public func image(_ i: Int) -> ArraySlice<Float> {
        pixels[(i * imageSize)..<((i + 1) * imageSize)]
    }

    /// The images at the given indices, in that order.
    public func subset(_ indices: [Int]) -> LabelledImages {
        var p = [Float]()
        p.reserveCapacity(indices.count * imageSize)
        for i in indices { p.append(contentsOf: image(i)) }
        return LabelledImages(
            pixels: p, labels: indices.map { labels[$0] }, height: height, width: width, channels: channels)
    }

    /// Images `range` (clamped to what exists).
    public func slice(_ range: Range<Int>) -> LabelledImages {
        let lo = max(0, min(range.lowerBound, count)), hi = max(lo, min(range.upperBound, count))
        return LabelledImages(
            pixels: Array(pixels[(lo * imageSize)..<(hi * imageSize)]), labels: Array(labels[lo..<hi]),
            height: height, width: width, channels: channels)
    }

    /// Builds images from an IDX image file and an IDX label file, checking that they agree.
    public init(images: IDXArray, labels: IDXArray, imagesPath: String, labelsPath: String) throws {
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
        let scale: Float = 1.0 / 255.0
        let bytes = images.bytes
        let pixels = [Float](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            for i in 0..<bytes.count { buffer[i] = Float(bytes[i]) * scale }
            initialized = bytes.count
        }
        self.init(
            pixels: pixels, labels: labels.bytes,
            height: images.dimensions[1], width: images.dimensions[2],
            channels: images.dimensions.count == 4 ? images.dimensions[3] : 1)
    }

    /// Loads an images file and a labels file (gzip or raw IDX).
    public static func load(images: String, labels: String) throws -> LabelledImages {
        try LabelledImages(
            images: IDXArray(contentsOf: images), labels: IDXArray(contentsOf: labels), imagesPath: images,
            labelsPath: labels)
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
