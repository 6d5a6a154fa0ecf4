import Language

/// `progress MODEL`: fixed test digits after every epoch, as an animation.
struct Progress: SessionStatement {
    static let keyword = "progress"
    static let model = Slot.model()
    static let grammar = Grammar(parts: [model])
    static let help = StatementHelp(.pictures, "fixed test digits reconstructed after every epoch, as an animation.")

    let model: Identifier

    static func parse(_ line: inout StatementReader) throws -> Progress { Progress(model: try line.read(model)) }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.progress(model) }
}

extension StatementContext {
    /// Most epochs the progress grid shows as rows (evenly chosen, first and last always in).
    static let progressRows = 12

    /// `progress MODEL`: the same test digits reconstructed before training and after every
    /// epoch: a grid (inputs on top, one row per epoch) is displayed, and an animation of the
    /// epochs is the statement's result.
    fileprivate func progress(_ model: Identifier) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        let record = entry.progress
        guard record.count > 0, !record.frames.isEmpty else {
            throw Diagnostic(
                "\(entry.name) has no recorded progress: it is recorded while it trains", range: model.range,
                kind: .value,
                expected: "train \(entry.name) on DATA epochs N first")
        }
        let n = record.count
        let frames = record.frames
        var rows = Array(frames.indices)
        if rows.count > Self.progressRows {
            rows = (0..<Self.progressRows).map { $0 * (frames.count - 1) / (Self.progressRows - 1) }
        }
        var pixels = greyPixels(
            record.inputs, count: n, height: record.height, width: record.width, channels: record.channels)
        var labels = record.labels.map { String($0) }
        for r in rows {
            pixels += greyPixels(
                frames[r].pixels, count: n, height: record.height, width: record.width, channels: record.channels)
            labels += ["epoch \(frames[r].epoch)"] + [String](repeating: "", count: n - 1)
        }
        let grid = try gridBundle(
            pixels, count: n * (rows.count + 1), height: record.height, width: record.width, columns: n, labels: labels,
            summary:
                "progress \(entry.name): \(n) test digits (top row) reconstructed after epochs "
                + rows.map { String(frames[$0].epoch) }.joined(separator: ", "),
            at: range)
        output.display(grid, id: nil)
        let inputs = greyPixels(
            record.inputs, count: n, height: record.height, width: record.width, channels: record.channels)
        let animation = frames.map {
            inputs
                + greyPixels($0.pixels, count: n, height: record.height, width: record.width, channels: record.channels)
        }
        let frameLabels = frames.map { frame in
            record.labels.map { String($0) } + ["epoch \(frame.epoch)"] + [String](repeating: "", count: n - 1)
        }
        return try animationBundle(
            frames: animation, count: 2 * n, height: record.height, width: record.width, columns: n,
            labels: frameLabels,
            delayMilliseconds: 400,
            summary: "animation: \(frames.count) frames, epochs \(frames.first!.epoch) to \(frames.last!.epoch)",
            at: range)
    }
}
