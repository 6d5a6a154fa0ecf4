import Language

extension LessonSession {
    /// `show IMAGES`: a grid of digits with labels.
    func show(_ data: Reference, _ context: StatementContext) throws -> MimeBundle? {
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
