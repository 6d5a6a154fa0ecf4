import Language

/// `show IMAGES`: a grid of the images with their labels.
struct Show: SessionStatement {
    static let keyword = "show"
    static let images = Slot.data("IMAGES", "the images to show, e.g. data.test[0:16]")
    static let grammar = Grammar(parts: [images])
    static let help = StatementHelp(
        .pictures,
        """
        a grid of the images (PNG) with their labels underneath, e.g. `show data.test[0:16]`,
        `show data.train[label 3][0:8]`.
        """)

    let images: Reference

    static func parse(_ line: inout StatementReader) throws -> Show { Show(images: try line.read(images)) }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.show(images) }
}

extension StatementContext {
    /// `show IMAGES`: a grid of digits with labels.
    fileprivate func show(_ data: Reference) throws -> MimeBundle? {
        var images = try pictureImages(data)
        var note = ""
        if images.count > Self.gridLimit {
            note = " (the first \(Self.gridLimit) of \(images.count))"
            images = images.slice(0..<Self.gridLimit)
        }
        let labels = images.labels.map { String($0) }
        let preview = labels.prefix(40).joined(separator: " ") + (labels.count > 40 ? " ..." : "")
        return try gridBundle(
            images.pixels, count: images.count, height: images.height, width: images.width, channels: images.channels,
            labels: labels,
            summary:
                "\(sourceName(data)): \(images.count) images of \(images.height)x\(images.width)\(note)\nlabels: \(preview)",
            at: data.range)
    }
}
