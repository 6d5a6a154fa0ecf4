import Datasets
import Language
import Neural
import Pictures

/// `explore MODEL [dims A:B]`: sliders over the code, the decoded digit following them.
struct Explore: SessionStatement {
    static let keyword = "explore"
    static let model = Slot.model()
    static let dims = Option(
        "dims",
        Slot<Range<Int>>("A:B", expected: "the first coordinate") { line, expected in
            let first = try line.integer(expected, minimum: 0)
            try line.expectSymbol(":", "a colon between the first coordinate and the end, e.g. dims 0:4")
            let end = try line.integer("the coordinate after the last one", minimum: 0)
            guard end.value > first.value else {
                throw Diagnostic(
                    "dims \(first.value):\(end.value) holds no coordinate: the end must be past the start",
                    range: line.range(from: first.range), kind: .value, expected: "dims A:B, e.g. dims 0:4")
            }
            return first.value..<end.value
        },
        meaning: "the coordinates that get a slider (A up to but not including B; at most 16)",
        default: "the first 8")
    static let grammar = Grammar(parts: [model], options: [dims])
    static let help = StatementHelp(
        .pictures,
        """
        one slider per coordinate of the code, and the digit the model decodes from them, redrawn \
        as you move a slider. Each slider spans the spread of the codes of the data the model \
        trained on (three standard deviations either side of their mean; a VAE: its prior, -3 to \
        3). The picker `test digit` sets every slider to the code of that test digit, so you start \
        from a real digit and see which way each coordinate changes it. Needs a frontend that shows \
        Jupyter widgets (JupyterLab, Notebook, VS Code); elsewhere it shows the decoded digit. \
        Example: `explore ae`, `explore vae dims 0:4`.
        """)
    /// More sliders than this no longer fit beside the picture.
    static let sliderLimit = 16
    static let defaultSliders = 8
    /// The decoded digit is drawn this many times its size (28 pixels become 224).
    static let scale = 8

    let model: Identifier
    var dims: Range<Int>?

    static func parse(_ line: inout StatementReader) throws -> Explore {
        var explore = Explore(model: try line.read(model))
        explore.dims = try line.readOptions()[dims]
        return explore
    }

    func run(_ context: StatementContext) throws -> MimeBundle? {
        try context.explore(model, dims: dims)
    }
}

extension StatementContext {
    /// Builds the panel: sliders for `dims` (and a picker over the test digits when the model has
    /// trained), starting at the first test digit's code (or the mean code), and its first picture.
    fileprivate func explore(_ model: Identifier, dims: Range<Int>?) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        let network = try pictureNetwork(entry, for: nil, named: "its data", at: model.range)
        let k = network.latentSize
        let chosen = dims ?? 0..<min(k, Explore.defaultSliders)
        guard chosen.upperBound <= k else {
            throw Diagnostic(
                "\(entry.name) has a \(k)-d code, so dims must lie within 0:\(k), not \(chosen.lowerBound):\(chosen.upperBound)",
                range: range, kind: .value)
        }
        guard chosen.count <= Explore.sliderLimit else {
            throw Diagnostic(
                "explore shows at most \(Explore.sliderLimit) sliders, not \(chosen.count)", range: range, kind: .value,
                expected: "a narrower dims A:B, e.g. dims 0:8")
        }
        let (mean, std) = try codingDistribution(entry, network, at: range)
        let digits = entry.trainedOn.map { $0.testImages ?? $0.trainImages }
        let decoder = ExploreDecoder(network: network, digits: digits, mean: mean)

        var controls = chosen.map { d -> Control in
            let spread = Double(max(std[d], 1e-3)) * 3
            let low = Double(mean[d]) - spread, high = Double(mean[d]) + spread
            return Control(
                .slider(minimum: low, maximum: high, step: (high - low) / 200), label: "code \(d)",
                value: Double(mean[d]))
        }
        var start = mean
        if let digits, digits.count > 0 {
            start = try drawing(range) { try decoder.code(of: 0) }
            for (i, d) in chosen.enumerated() { controls[i].value = controls[i].accepted(Double(start[d])) ?? 0 }
            controls.append(
                Control(.integerSlider(minimum: 0, maximum: digits.count - 1), label: "test digit", value: 0))
        }
        let image = try drawing(range) { try decoder.picture(start, digit: digits == nil ? nil : 0) }
        let summary =
            "explore \(entry.name): \(chosen.count) sliders over coordinates \(chosen.lowerBound) to \(chosen.upperBound - 1) of its \(k)-d code"
        let fallback = imageBundle(
            EncodedImage(bytes: image.png, width: image.width, height: image.height),
            summary: summary + " (the sliders need a frontend that shows Jupyter widgets)")
        guard let host = output.controls else { return fallback }
        let sliders = chosen.count
        let ranges = controls
        var code = start
        let panel = ControlPanel(title: summary, controls: controls, image: image) { moved, values in
            var change = PanelChange(image: nil)
            let picked = digits == nil ? nil : Int(values[sliders])
            if let picked, moved.contains(sliders) {
                // The picker moves the sliders to that digit's code.
                code = try decoder.code(of: picked)
                for (i, d) in chosen.enumerated() {
                    let value = ranges[i].accepted(Double(code[d])) ?? 0
                    change.values[i] = value
                }
            }
            for (i, d) in chosen.enumerated() { code[d] = Float(change.values[i] ?? values[i]) }
            change.image = try decoder.picture(code, digit: picked)
            return change
        }
        host.show(panel, fallback: fallback)
        return nil
    }
}

/// What an explore panel decodes with: the model's network as `explore` found it, and the test
/// digits its picker chooses from.
private struct ExploreDecoder {
    let network: Autoencoder
    let digits: LabelledImages?
    let mean: [Float]

    func code(of index: Int) throws -> [Float] {
        guard let digits, index >= 0, index < digits.count else { return mean }
        return try network.encode(digits.slice(index..<(index + 1)).tensor).data
    }

    /// The decoded code, large; beside the picked digit when there is one.
    func picture(_ code: [Float], digit: Int?) throws -> PanelImage {
        let decoded = try network.decode(Tensor(checkedShape: [1, code.count], data: code))
        let shape = network.inputShape
        let height = shape[0], width = shape.count > 1 ? shape[1] : 1, channels = shape.count > 2 ? shape[2] : 1
        var pixels = greyPixels(decoded.data, count: 1, height: height, width: width, channels: channels)
        var labels = ["decoded"]
        if let digits, let digit, digit >= 0, digit < digits.count {
            let original = digits.slice(digit..<(digit + 1))
            pixels =
                greyPixels(original.pixels, count: 1, height: height, width: width, channels: channels) + pixels
            labels = ["test \(digit): a \(original.labels[0])", "decoded"]
        }
        let grid = DigitGrid(imageHeight: height, imageWidth: width, scale: Explore.scale, columns: labels.count)
        let image = try grid.png(pixels: pixels, count: labels.count, labels: labels)
        return PanelImage(png: image.bytes, width: image.width, height: image.height)
    }
}
