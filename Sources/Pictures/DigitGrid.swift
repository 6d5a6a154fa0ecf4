/// Lays out many small greyscale images (28x28 digits or any HxW) in a grid, each scaled up by a
/// whole factor for legibility, with optional labels underneath. Intensities are read in [0, 1]
/// and clamped; the images stay white on black as MNIST draws them, on a dark-grey canvas that
/// separates the cells in light and dark themes alike.
public struct DigitGrid: Sendable {
    public struct Layout: Sendable, Equatable {
        public var rows: Int
        public var columns: Int
        public var scale: Int
        public var cellWidth: Int
        public var cellHeight: Int
        public var labelHeight: Int
    }

    public var imageHeight: Int
    public var imageWidth: Int
    /// Whole-number magnification; nil picks one that makes a cell about 56 pixels across (28 for
    /// more than 100 images).
    public var scale: Int?
    /// Images per row; nil picks one row up to 10 images, else a near-square grid up to 20 wide.
    public var columns: Int?
    /// Pixels between cells and around the edge.
    public var padding: Int = 2
    public var canvasGrey: UInt8 = 48
    public var labelGrey: UInt8 = 235

    public init(imageHeight: Int = 28, imageWidth: Int = 28, scale: Int? = nil, columns: Int? = nil, padding: Int = 2) {
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.scale = scale
        self.columns = columns
        self.padding = padding
    }

    public static func defaultColumns(for count: Int) -> Int {
        if count <= 10 { return max(1, count) }
        var side = 1
        while side * side < count { side += 1 }
        return min(side, 20)
    }

    public func layout(count: Int, labelled: Bool) -> Layout {
        // About 56 pixels a cell; for more than 100 images about 28, so big grids stay on screen.
        let target = count > 100 ? 28.0 : 56.0
        let chosenScale = max(
            1, scale ?? min(8, max(1, Int((target / Double(max(imageHeight, imageWidth))).rounded()))))
        let chosenColumns = max(1, min(columns ?? DigitGrid.defaultColumns(for: count), max(1, count)))
        let rows = (count + chosenColumns - 1) / chosenColumns
        let cellWidth = imageWidth * chosenScale
        let fontScale = labelFontScale(cellWidth: cellWidth)
        let labelHeight = labelled ? BitmapFont.glyphHeight * fontScale + 2 * fontScale + 1 : 0
        return Layout(
            rows: rows, columns: chosenColumns, scale: chosenScale, cellWidth: cellWidth,
            cellHeight: imageHeight * chosenScale + labelHeight, labelHeight: labelHeight)
    }

    func labelFontScale(cellWidth: Int) -> Int { cellWidth >= 40 ? 2 : 1 }

    /// - Parameters:
    ///   - pixels: `count` images of imageHeight x imageWidth values, one after another.
    ///   - labels: nil, or one string per image (short: digits, signs and a few letters).
    public func render(pixels: [Float], count: Int, labels: [String]? = nil) throws -> Raster {
        guard count > 0 else { throw PicturesError.emptyInput(what: "the list of images") }
        guard imageHeight > 0, imageWidth > 0 else {
            throw PicturesError.badDimensions(width: imageWidth, height: imageHeight)
        }
        let size = imageHeight * imageWidth
        guard pixels.count == count * size else {
            throw PicturesError.badSize(what: "the images", expected: count * size, actual: pixels.count)
        }
        if let labels, labels.count != count {
            throw PicturesError.badSize(what: "the labels", expected: count, actual: labels.count)
        }
        guard padding >= 0 else {
            throw PicturesError.invalidOption(name: "padding", value: "\(padding)", reason: "must not be negative")
        }
        let l = layout(count: count, labelled: labels != nil)
        let width = l.columns * l.cellWidth + (l.columns + 1) * padding
        let height = l.rows * l.cellHeight + (l.rows + 1) * padding
        var raster = Raster(width: width, height: height, channels: 1, fill: canvasGrey)
        let s = l.scale
        raster.pixels.withUnsafeMutableBufferPointer { canvas in
            pixels.withUnsafeBufferPointer { src in
                for index in 0..<count {
                    let left = padding + (index % l.columns) * (l.cellWidth + padding)
                    let top = padding + (index / l.columns) * (l.cellHeight + padding)
                    for y in 0..<imageHeight {
                        let rowBase = index * size + y * imageWidth
                        let outRow = (top + y * s) * width + left
                        // Draw the first of the `s` copies of this row, then duplicate it.
                        for x in 0..<imageWidth {
                            let g = Raster.grey(src[rowBase + x])
                            for dx in 0..<s { canvas[outRow + x * s + dx] = g }
                        }
                        if s > 1 {
                            for dy in 1..<s {
                                let dst = outRow + dy * width
                                for x in 0..<(imageWidth * s) { canvas[dst + x] = canvas[outRow + x] }
                            }
                        }
                    }
                }
            }
        }
        if let labels {
            let fontScale = labelFontScale(cellWidth: l.cellWidth)
            for (index, label) in labels.enumerated() {
                let left = padding + (index % l.columns) * (l.cellWidth + padding)
                let top = padding + (index / l.columns) * (l.cellHeight + padding) + imageHeight * s
                var text = label
                var scaleUsed = fontScale
                if BitmapFont.width(of: text, scale: scaleUsed) > l.cellWidth { scaleUsed = 1 }
                while BitmapFont.width(of: text, scale: scaleUsed) > l.cellWidth && !text.isEmpty { text.removeLast() }
                let textWidth = BitmapFont.width(of: text, scale: scaleUsed)
                BitmapFont.draw(
                    text, into: &raster, x: left + (l.cellWidth - textWidth) / 2, y: top + fontScale + 1,
                    scale: scaleUsed, grey: labelGrey)
            }
        }
        return raster
    }

    /// The grid as PNG bytes with its pixel size, ready for an `image/png` bundle.
    public func png(pixels: [Float], count: Int, labels: [String]? = nil) throws -> EncodedImage {
        let raster = try render(pixels: pixels, count: count, labels: labels)
        return EncodedImage(bytes: try PNGEncoder.encode(raster), width: raster.width, height: raster.height)
    }
}

/// Encoded image bytes with the pixel size a notebook needs for its metadata.
public struct EncodedImage: Sendable, Equatable {
    public var bytes: [UInt8]
    public var width: Int
    public var height: Int

    public init(bytes: [UInt8], width: Int, height: Int) {
        self.bytes = bytes
        self.width = width
        self.height = height
    }
}
