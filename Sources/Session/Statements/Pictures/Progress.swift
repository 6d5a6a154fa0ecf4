import Language

extension LessonSession {
    /// `progress MODEL`: fixed test digits reconstructed after every epoch (animated).
    func progress(_ model: Identifier, _ context: StatementContext) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        return picturesNotAvailable("progress: \(entry.name) epoch by epoch")
    }
}
