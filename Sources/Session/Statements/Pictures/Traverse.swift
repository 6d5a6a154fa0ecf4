import Language
import Neural

extension LessonSession {
    /// `traverse MODEL dim D from X to Y steps N [around IMAGE]`: one coordinate of a code swept
    /// from X to Y, the others held: at the coding of IMAGE, or else at the mean coding of the
    /// model's training data (0 for a VAE or an untrained model).
    func traverse(
        _ model: Identifier, dim: Int, from: Double, to: Double, steps: Int, around: Reference?,
        _ context: StatementContext
    ) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        guard steps >= 2, steps <= 50 else {
            throw Diagnostic("traverse takes between 2 and 50 steps, not \(steps)", range: context.range, kind: .value)
        }
        let base = try around.map(pictureImages)
        let network = try pictureNetwork(entry, for: base, named: around.map(sourceName) ?? "its data", at: model.range)
        let k = network.latentSize
        guard dim >= 0, dim < k else {
            throw Diagnostic(
                "\(entry.name) has a \(k)-d code, so dim must be between 0 and \(k - 1), not \(dim)",
                range: context.range,
                kind: .value)
        }
        var centre: [Float]
        let heldAt: String
        if let base, let around {
            centre = try codings(network, base.slice(0..<1), limit: 1, at: around.range).codes
            heldAt = "the coding of \(sourceName(around))"
        } else {
            centre = try codingDistribution(entry, network, at: context.range).mean
            heldAt = entry.trainedOn != nil && !network.isVariational ? "the mean coding of its training data" : "0"
        }
        let values = (0..<steps).map { from + (to - from) * Double($0) / Double(steps - 1) }
        var codes = [Float]()
        for v in values {
            centre[dim] = Float(v)
            codes += centre
        }
        let images = try drawing(context.range) { try network.decode(Tensor(checkedShape: [steps, k], data: codes)) }
        let shape = network.inputShape
        return try gridBundle(
            images.data, count: steps, height: shape[0], width: shape.count > 1 ? shape[1] : 1,
            channels: shape.count > 2 ? shape[2] : 1, columns: steps, labels: values.map(shortNumber),
            summary:
                "traverse \(entry.name): coordinate \(dim) from \(shortNumber(from)) to \(shortNumber(to)) in \(steps) steps, the other \(k - 1) held at \(heldAt)",
            at: context.range)
    }
}
