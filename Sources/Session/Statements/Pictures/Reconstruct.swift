import Language

extension LessonSession {
    /// `reconstruct MODEL IMAGES`: inputs above, reconstructions below.
    func reconstruct(_ model: Identifier, _ data: Reference, _ context: StatementContext) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        let images = try lookUpData(data).trainImages
        return picturesNotAvailable("reconstruct: \(images.count) images through \(entry.name)")
    }
}
