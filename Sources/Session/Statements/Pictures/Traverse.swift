import Language
import Neural

/// `traverse MODEL [dim D] [from X] [to Y] [steps N] [around IMAGE]`: one coordinate swept.
struct Traverse: SessionStatement {
    static let keyword = "traverse"
    static let model = Slot.model()
    static let dim = Option(
        "dim", .integer("D", "the dimension", minimum: 0), meaning: "the coordinate of the code that varies",
        default: "0")
    static let from = Option("from", .number("X", "the starting value"), meaning: "its first value", default: "-2")
    static let to = Option("to", .number("Y", "the end value"), meaning: "its last value", default: "2")
    static let steps = Option("steps", .integer("N", "steps", minimum: 2), meaning: "pictures in the row", default: "9")
    static let around = Option(
        "around", .data("IMAGE", "an image whose code is varied, e.g. data.test[0]"),
        meaning: "the image whose code the other coordinates keep",
        default: "the mean code of the data it trained on (zero for a VAE)")
    static let grammar = Grammar(parts: [model], options: [dim, from, to, steps, around])
    static let help = StatementHelp(.pictures, "vary one coordinate of the code, holding the others.")

    let model: Identifier
    var dim = 0
    var from = -2.0
    var to = 2.0
    var steps = 9
    var around: Reference?

    static func parse(_ line: inout StatementReader) throws -> Traverse {
        var t = Traverse(model: try line.read(model))
        let options = try line.readOptions()
        if let v = options[dim] { t.dim = v.value }
        if let v = options[from] { t.from = v.value }
        if let v = options[to] { t.to = v.value }
        if let v = options[steps] { t.steps = v.value }
        t.around = options[around]
        return t
    }
    func run(_ context: StatementContext) throws -> MimeBundle? {
        try context.traverse(model, dim: dim, from: from, to: to, steps: steps, around: around)
    }
}

extension StatementContext {
    /// `traverse MODEL dim D from X to Y steps N [around IMAGE]`: one coordinate of a code swept
    /// from X to Y, the others held: at the coding of IMAGE, or else at the mean coding of the
    /// model's training data (0 for a VAE or an untrained model).
    fileprivate func traverse(
        _ model: Identifier, dim: Int, from: Double, to: Double, steps: Int, around: Reference?
    ) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        guard steps >= 2, steps <= 50 else {
            throw Diagnostic("traverse takes between 2 and 50 steps, not \(steps)", range: range, kind: .value)
        }
        let base = try around.map(pictureImages)
        let network = try pictureNetwork(entry, for: base, named: around.map(sourceName) ?? "its data", at: model.range)
        let k = network.latentSize
        guard dim >= 0, dim < k else {
            throw Diagnostic(
                "\(entry.name) has a \(k)-d code, so dim must be between 0 and \(k - 1), not \(dim)",
                range: range,
                kind: .value)
        }
        var centre: [Float]
        let heldAt: String
        if let base, let around {
            centre = try codings(network, base.slice(0..<1), limit: 1, at: around.range).codes
            heldAt = "the coding of \(sourceName(around))"
        } else {
            centre = try codingDistribution(entry, network, at: range).mean
            heldAt = entry.trainedOn != nil && !network.isVariational ? "the mean coding of its training data" : "0"
        }
        let values = (0..<steps).map { from + (to - from) * Double($0) / Double(steps - 1) }
        var codes = [Float]()
        for v in values {
            centre[dim] = Float(v)
            codes += centre
        }
        let images = try drawing(range) { try network.decode(Tensor(checkedShape: [steps, k], data: codes)) }
        let shape = network.inputShape
        return try gridBundle(
            images.data, count: steps, height: shape[0], width: shape.count > 1 ? shape[1] : 1,
            channels: shape.count > 2 ? shape[2] : 1, columns: steps, labels: values.map(shortNumber),
            summary:
                "traverse \(entry.name): coordinate \(dim) from \(shortNumber(from)) to \(shortNumber(to)) in \(steps) steps, the other \(k - 1) held at \(heldAt)",
            at: range)
    }
}
