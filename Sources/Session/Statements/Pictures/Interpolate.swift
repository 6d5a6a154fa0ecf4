import Language

extension LessonSession {
    /// `interpolate MODEL A B steps N`: pixel-space row against latent-space row.
    func interpolate(_ model: Identifier, from: Reference, to: Reference, steps: Int, _ context: StatementContext)
        throws -> MimeBundle?
    {
        let entry = try lookUpModel(model)
        _ = try lookUpData(from)
        _ = try lookUpData(to)
        return picturesNotAvailable("interpolate: \(steps) steps through \(entry.name)")
    }
}
