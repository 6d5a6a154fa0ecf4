import Language

extension LessonSession {
    /// `show IMAGES`: a grid of digits with labels.
    func show(_ data: Reference, _ context: StatementContext) throws -> MimeBundle? {
        let images = try lookUpData(data).trainImages
        return picturesNotAvailable("show: \(images.count) images of \(images.height)x\(images.width)")
    }
}
