import Language

extension LessonSession {
    /// `embed [MODEL] IMAGES [pca|kernelpca|tsne] [2|3]`: codings (or pixels) projected.
    func embed(
        _ model: Identifier?, _ data: Reference, method: EmbeddingMethod, dimensions: Int, _ context: StatementContext
    ) throws -> MimeBundle? {
        if let model { _ = try lookUpModel(model) }
        let images = try lookUpData(data).trainImages
        return picturesNotAvailable("embed: \(images.count) images by \(method.rawValue) in \(dimensions) dimensions")
    }
}
