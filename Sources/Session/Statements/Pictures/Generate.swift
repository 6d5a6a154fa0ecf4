import Language

extension LessonSession {
    /// `generate MODEL N [normal MEAN STD]`: decoded random codings.
    func generate(
        _ model: Identifier, count: Located<Int>, normal: (mean: Double, std: Double)?, _ context: StatementContext
    ) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        return picturesNotAvailable("generate: \(count.value) images from \(entry.name)")
    }
}
