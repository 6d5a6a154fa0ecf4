import Language

extension LessonSession {
    /// `traverse MODEL dim D from X to Y steps N [around IMAGE]`: one code coordinate varied.
    func traverse(
        _ model: Identifier, dim: Int, from: Double, to: Double, steps: Int, around: Reference?,
        _ context: StatementContext
    ) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        if let around { _ = try lookUpData(around) }
        return picturesNotAvailable("traverse: dimension \(dim) of \(entry.name)")
    }
}
