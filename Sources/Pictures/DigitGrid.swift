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
    /// One word per row, drawn in a margin left of the row (e.g. "pixels", "code").
    public var rowLabels: [String]?

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
        layout(count: count, labelled: labelled, labelWidth: 0)
    }

    /// Labels are drawn at twice the font's size, so that they stay readable when a frontend
    /// scales the picture down; a cell widens towards the widest label (`labelWidth`, in pixels).
    func layout(count: Int, labelled: Bool, labelWidth: Int) -> Layout {
        // About 56 pixels a cell; for more than 100 images about 28, so big grids stay on screen.
        let target = count > 100 ? 28.0 : 56.0
        let chosenScale = max(
            1, scale ?? min(8, max(1, Int((target / Double(max(imageHeight, imageWidth))).rounded()))))
        let chosenColumns = max(1, min(columns ?? DigitGrid.defaultColumns(for: count), max(1, count)))
        let rows = (count + chosenColumns - 1) / chosenColumns
        // Widened by half at most: a longer label is drawn smaller, or cut.
        let cellWidth = max(imageWidth * chosenScale, labelled ? min(labelWidth, imageWidth * chosenScale * 3 / 2) : 0)
        let fontScale = Self.labelFontScale
        let labelHeight = labelled ? BitmapFont.glyphHeight * fontScale + 2 * fontScale + 1 : 0
        return Layout(
            rows: rows, columns: chosenColumns, scale: chosenScale, cellWidth: cellWidth,
            cellHeight: imageHeight * chosenScale + labelHeight, labelHeight: labelHeight)
    }

    static let labelFontScale = 2
    /// Space kept between the labels of neighbouring cells.
    static let labelGap = 6

    /// How many cells a label may use: its own and the empty-labelled ones after it in its row.
    static func labelSpan(_ labels: [String], at index: Int, columns: Int) -> Int {
        var span = 1
        while index + span < labels.count, (index + span) % columns != 0, labels[index + span].isEmpty { span += 1 }
        return span
    }

    /// The cell width every label needs at the label font, with a gap between neighbours.
    static func cellWidthForLabels(_ labels: [String], columns: Int, padding: Int) -> Int {
        labels.indices.map { i -> Int in
            let span = labelSpan(labels, at: i, columns: columns)
            let needed = BitmapFont.width(of: labels[i], scale: labelFontScale) + labelGap - (span - 1) * padding
            return (needed + span - 1) / span
        }.max() ?? 0
    }

    /// Width of the margin that holds the row labels (0 without them).
    var rowLabelMargin: Int {
        guard let rowLabels, !rowLabels.isEmpty else { return 0 }
        return (rowLabels.map { BitmapFont.width(of: $0, scale: Self.labelFontScale) }.max() ?? 0) + 2 * padding
    }

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
        let columns = max(1, min(self.columns ?? DigitGrid.defaultColumns(for: count), max(1, count)))
        let labelWidth = labels.map { Self.cellWidthForLabels($0, columns: columns, padding: padding) } ?? 0
        let l = layout(count: count, labelled: labels != nil, labelWidth: labelWidth)
        let margin = rowLabelMargin
        let imageInset = (l.cellWidth - imageWidth * l.scale) / 2
        let width = margin + l.columns * l.cellWidth + (l.columns + 1) * padding
        let height = l.rows * l.cellHeight + (l.rows + 1) * padding
        var raster = Raster(width: width, height: height, channels: 1, fill: canvasGrey)
        let s = l.scale
        raster.pixels.withUnsafeMutableBufferPointer { canvas in
            pixels.withUnsafeBufferPointer { src in
                for index in 0..<count {
                    let left = margin + padding + (index % l.columns) * (l.cellWidth + padding) + imageInset
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
        if let rowLabels {
            for (row, label) in rowLabels.prefix(l.rows).enumerated() {
                let top = padding + row * (l.cellHeight + padding)
                let textHeight = BitmapFont.glyphHeight * Self.labelFontScale
                BitmapFont.draw(
                    label, into: &raster, x: padding, y: top + (imageHeight * s - textHeight) / 2,
                    scale: Self.labelFontScale, grey: labelGrey)
            }
        }
        if let labels {
            let fontScale = Self.labelFontScale
            for (index, label) in labels.enumerated() {
                let left = margin + padding + (index % l.columns) * (l.cellWidth + padding)
                let top = padding + (index / l.columns) * (l.cellHeight + padding) + imageHeight * s
                let span = Self.labelSpan(labels, at: index, columns: l.columns)
                let room = span * l.cellWidth + (span - 1) * padding
                var text = label
                var scaleUsed = fontScale
                if BitmapFont.width(of: text, scale: scaleUsed) > room { scaleUsed = 1 }
                while BitmapFont.width(of: text, scale: scaleUsed) > room && !text.isEmpty { text.removeLast() }
                let textWidth = BitmapFont.width(of: text, scale: scaleUsed)
                // A label alone in its cell is centred under it; one that spills over empty cells starts at its left.
                let x = textWidth <= l.cellWidth ? left + (l.cellWidth - textWidth) / 2 : left
                BitmapFont.draw(text, into: &raster, x: x, y: top + fontScale + 1, scale: scaleUsed, grey: labelGrey)
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
