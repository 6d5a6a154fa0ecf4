import Language

extension LessonSession {
    /// `weights MODEL`: the first layer's filters as images.
    func weights(_ model: Identifier, _ context: StatementContext) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        return picturesNotAvailable("weights: the first layer of \(entry.name)")
    }
}
