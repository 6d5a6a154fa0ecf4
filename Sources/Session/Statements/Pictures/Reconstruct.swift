import Language

/// `reconstruct MODEL IMAGES`: inputs above, reconstructions below.
struct Reconstruct: SessionStatement {
    static let keyword = "reconstruct"
    static let model = Slot.model()
    static let images = Slot.data("IMAGES", "the images to reconstruct, e.g. data.test[0:10]")
    static let grammar = Grammar(parts: [model, images])
    static let help = StatementHelp(.pictures, "inputs in the top row, reconstructions below.")

    let model: Identifier
    let images: Reference

    static func parse(_ line: inout StatementReader) throws -> Reconstruct {
        Reconstruct(model: try line.read(model), images: try line.read(images))
    }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.reconstruct(model, images) }
}

extension StatementContext {
    /// Most images a reconstruction row holds.
    static let reconstructionLimit = 30

    /// `reconstruct MODEL IMAGES`: inputs above, reconstructions below, each reconstruction
    /// labelled with its mean squared error per pixel.
    fileprivate func reconstruct(_ model: Identifier, _ data: Reference) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        var images = try pictureImages(data)
        var note = ""
        if images.count > Self.reconstructionLimit {
            note = " (the first \(Self.reconstructionLimit) of \(images.count))"
            images = images.slice(0..<Self.reconstructionLimit)
        }
        let network = try pictureNetwork(entry, for: images, named: sourceName(data), at: data.range)
        let outputs = try drawing(data.range) { try network.reconstruct(try images.tensor) }.data
        let n = images.count
        let size = images.imageSize
        let errors = (0..<n).map { i -> Double in
            var s = 0.0
            for p in 0..<size {
                let d = Double(outputs[i * size + p] - images.pixels[i * size + p])
                s += d * d
            }
            return s / Double(size)
        }
        let labels = images.labels.map { String($0) } + errors.map { String(format: "%.3f", $0) }
        let mean = errors.reduce(0, +) / Double(n)
        var summary = "reconstruct \(entry.name): \(n) images of \(sourceName(data))\(note), inputs on the top row, "
        summary += "reconstructions below\(entry.network == nil ? " (untrained: initial weights)" : "")\n"
        summary += "mean squared error per pixel: " + errors.map { String(format: "%.4f", $0) }.joined(separator: " ")
        summary += String(format: "\naverage %.4f", mean)
        return try gridBundle(
            images.pixels + outputs, count: 2 * n, height: images.height, width: images.width,
            channels: images.channels,
            columns: n, labels: labels, summary: summary, at: data.range)
    }
}
