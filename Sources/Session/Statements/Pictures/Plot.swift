import Language

extension LessonSession {
    /// `plot MODEL...`: loss curves, train and test, per epoch.
    func plot(_ models: [Identifier], _ context: StatementContext) throws -> MimeBundle? {
        let entries = try models.map(lookUpModel)
        return picturesNotAvailable("plot: the loss curves of " + entries.map(\.name).joined(separator: ", "))
    }
}
