import Foundation
import Language
import Neural

/// `interpolate MODEL IMAGE IMAGE [steps N]`: pixel space against latent space.
struct Interpolate: SessionStatement {
    static let keyword = "interpolate"
    static let model = Slot.model()
    static let from = Slot.data("IMAGE", "the first image, e.g. data.test[0]")
    static let to = Slot.data("IMAGE", "the second image, e.g. data.test[1]")
    static let steps = Option(
        "steps", .integer("N", "steps", minimum: 2), meaning: "pictures in each row, both ends included", default: "10")
    static let grammar = Grammar(parts: [model, from, to], options: [steps])
    static let help = StatementHelp(
        .pictures, "a row blended in pixel space against a row decoded from codings blended in latent space.")

    let model: Identifier
    let from: Reference
    let to: Reference
    let steps: Int

    static func parse(_ line: inout StatementReader) throws -> Interpolate {
        let model = try line.read(model), from = try line.read(from), to = try line.read(to)
        return Interpolate(model: model, from: from, to: to, steps: try line.readOptions()[steps]?.value ?? 10)
    }
    func run(_ context: StatementContext) throws -> MimeBundle? {
        try context.interpolate(model, from: from, to: to, steps: steps)
    }
}

extension StatementContext {
    /// `interpolate MODEL A B steps N`: the top row blends the pixels of A and B, the bottom row
    /// decodes the blend of their codings; then an animation of the latent-space path, there and
    /// back. The grid is displayed; the animation is the statement's result.
    fileprivate func interpolate(_ model: Identifier, from: Reference, to: Reference, steps: Int)
        throws -> MimeBundle?
    {
        let entry = try lookUpModel(model)
        guard steps >= 2, steps <= 50 else {
            throw Diagnostic(
                "interpolate takes between 2 and 50 steps, not \(steps)", range: range, kind: .value)
        }
        let a = try pictureImages(from)
        let b = try pictureImages(to)
        guard a.imageSize == b.imageSize else {
            throw Diagnostic(
                "\(sourceName(from)) and \(sourceName(to)) have images of different sizes", range: to.range,
                kind: .shape)
        }
        let network = try pictureNetwork(entry, for: a, named: sourceName(from), at: from.range)
        let size = a.imageSize
        let first = Array(a.pixels[0..<size])
        let last = Array(b.pixels[0..<size])
        let codes = try drawing(range) {
            try network.encode(Tensor(checkedShape: [2, a.height, a.width, a.channels], data: first + last)).data
        }
        let k = network.latentSize
        let ts = (0..<steps).map { Float($0) / Float(steps - 1) }
        var pixelRow = [Float]()
        var blended = [Float]()
        for t in ts {
            for p in 0..<size { pixelRow.append((1 - t) * first[p] + t * last[p]) }
            for j in 0..<k { blended.append((1 - t) * codes[j] + t * codes[k + j]) }
        }
        let latentRow = try drawing(range) {
            try network.decode(Tensor(checkedShape: [steps, k], data: blended))
        }.data
        let labels = ts.map { $0 == 0 || $0 == 1 ? shortNumber(Double($0)) : String(format: "%.2f", $0) }
        let grid = try gridBundle(
            pixelRow + latentRow, count: 2 * steps, height: a.height, width: a.width, channels: a.channels,
            columns: steps,
            labels: labels + labels, rowLabels: ["pixels", "code"],
            summary:
                "interpolate \(entry.name) from \(sourceName(from)) (label \(a.labels[0])) to \(sourceName(to)) (label \(b.labels[0])) in \(steps) steps: top row in pixel space, bottom row through the \(k)-d latent space",
            at: range)
        output.display(grid, id: nil)
        say(
            "top row (pixels): the two images faded into each other; bottom row (code): the decoded blend of their codes.\n"
                + "Below, the walk through the code, there and back:")
        // The animation: each latent-space image, then back again, drawn large enough to watch.
        let order = Array(0..<steps) + Array((1..<(steps - 1)).reversed())
        let frames = order.map { i in
            greyPixels(
                Array(latentRow[(i * size)..<((i + 1) * size)]), count: 1, height: a.height, width: a.width,
                channels: a.channels)
        }
        return try animationBundle(
            frames: frames, count: 1, height: a.height, width: a.width, scale: 4, labels: order.map { [labels[$0]] },
            delayMilliseconds: 150,
            summary: "animation: \(order.count) frames through the latent space of \(entry.name), there and back",
            at: range)
    }
}
