import Language

extension LessonSession {
    /// Sends each picture statement to its own handler (one file each, in Statements/Pictures).
    func runPicture(_ picture: PictureStatement, _ context: StatementContext) throws -> MimeBundle? {
        switch picture {
        case .show(let data): return try show(data, context)
        case .reconstruct(let model, let data): return try reconstruct(model, data, context)
        case .generate(let model, let count, let normal):
            return try generate(model, count: count, normal: normal, context)
        case .interpolate(let model, let from, let to, let steps):
            return try interpolate(model, from: from, to: to, steps: steps, context)
        case .histogram(let model, let data, let dims): return try histogram(model, data, dims: dims, context)
        case .embed(let model, let data, let method, let dimensions, let options):
            return try embed(model, data, method: method, dimensions: dimensions, options: options, context)
        case .weights(let model): return try weights(model, context)
        case .traverse(let model, let dim, let from, let to, let steps, let around):
            return try traverse(model, dim: dim, from: from, to: to, steps: steps, around: around, context)
        case .progress(let model): return try progress(model, context)
        case .plot(let models): return try plot(models, context)
        }
    }
}
