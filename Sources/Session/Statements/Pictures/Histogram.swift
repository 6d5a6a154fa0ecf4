import Language

extension LessonSession {
    /// `histogram MODEL IMAGES dims A:B`: the distribution of each latent coordinate.
    func histogram(_ model: Identifier, _ data: Reference, dims: Range<Int>?, _ context: StatementContext) throws
        -> MimeBundle?
    {
        let entry = try lookUpModel(model)
        _ = try lookUpData(data)
        return picturesNotAvailable("histogram: the codings of \(entry.name)")
    }
}
