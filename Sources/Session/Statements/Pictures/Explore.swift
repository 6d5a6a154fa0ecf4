import Datasets
import Language
import Neural
import Pictures

/// `explore MODEL [IMAGE IMAGE | plane] [dims A:B]`: sliders over the code, the decoded digit
/// following them.
struct Explore: SessionStatement {
    static let keyword = "explore"
    static let model = Slot.model()
    /// What the sliders move through: the code's coordinates (nothing written), the path from
    /// one image's code to another's, or a 2-d code's plane.
    enum Target: Equatable {
        case coordinates
        case path(Reference, Reference)
        case plane
    }
    static let target = Slot<Target>(
        "IMAGE IMAGE | plane", expected: "two images, e.g. data.test[0] data.test[1], or plane", completing: .data
    ) { line, expected in
        if line.consumeWord("plane") { return .plane }
        let from = try line.reference(expected)
        let to = try line.reference("the second image, e.g. data.test[1]")
        return .path(from, to)
    }
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
    static let grammar = Grammar(parts: [model, target.optional], options: [dims])
    static let help = StatementHelp(
        .pictures,
        """
        one slider per coordinate of the code, and the digit the model decodes from them, redrawn \
        as you move a slider. Each slider spans the spread of the codes of the data the model \
        trained on (three standard deviations either side of their mean; a VAE: its prior, -3 to \
        3). The picker `test digit` sets every slider to the code of that test digit, so you start \
        from a real digit and see which way each coordinate changes it. With two images, one \
        slider walks from the first one's code to the second's, the decoded digit beside the \
        pixel blend. With `plane` (a model with a 2-d code), a grid of digits decoded over the \
        code plane, and two sliders that move a marker over it and show the digit under it. \
        Needs a frontend that shows Jupyter widgets (JupyterLab, Notebook, VS Code); elsewhere it \
        shows the first picture. Example: `explore ae`, `explore vae dims 0:4`, \
        `explore ae data.test[0] data.test[1]`, `explore code2 plane`.
        """)
    /// More sliders than this no longer fit beside the picture.
    static let sliderLimit = 16
    static let defaultSliders = 8
    /// The decoded digit is drawn this many times its size: 28 pixels become 196, so that two
    /// digits side by side fit the output area of a 900-pixel-wide JupyterLab.
    static let scale = 7
    /// Digits across the plane's grid.
    static let planeSide = 12

    let model: Identifier
    var target = Target.coordinates
    var dims: Range<Int>?

    static func parse(_ line: inout StatementReader) throws -> Explore {
        var explore = Explore(model: try line.read(model))
        if let word = line.peek?.word, word == "plane" || !grammar.optionWords.contains(word) {
            explore.target = try line.read(target)
        }
        explore.dims = try line.readOptions()[dims]
        if explore.dims != nil, explore.target != .coordinates {
            throw Diagnostic(
                "dims chooses the coordinates that get sliders; with two images or plane the sliders are fixed",
                range: explore.model.range, expected: "explore MODEL [dims A:B]")
        }
        return explore
    }

    func run(_ context: StatementContext) throws -> MimeBundle? {
        switch target {
        case .coordinates: return try context.explore(model, dims: dims)
        case .path(let from, let to): return try context.explorePath(model, from: from, to: to)
        case .plane: return try context.explorePlane(model)
        }
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
        let sliders = chosen.count
        let ranges = controls
        var code = start
        return showPanel(
            ControlPanel(
                title:
                    "explore \(entry.name): \(chosen.count) sliders over coordinates \(chosen.lowerBound) to \(chosen.upperBound - 1) of its \(k)-d code",
                controls: controls, image: image
            ) { moved, values in
                var change = PanelChange(image: nil)
                let picked = digits == nil ? nil : Int(values[sliders])
                if let picked, moved.contains(sliders) {
                    // The picker moves the sliders to that digit's code.
                    code = try decoder.code(of: picked)
                    for (i, d) in chosen.enumerated() { change.values[i] = ranges[i].accepted(Double(code[d])) ?? 0 }
                }
                for (i, d) in chosen.enumerated() { code[d] = Float(change.values[i] ?? values[i]) }
                change.image = try decoder.picture(code, digit: picked)
                return change
            })
    }

    /// `explore MODEL A B`: one slider from A's code (0) to B's (1); the pixel blend beside the
    /// decoded blend of the codes.
    fileprivate func explorePath(_ model: Identifier, from: Reference, to: Reference) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        let a = try pictureImages(from), b = try pictureImages(to)
        guard a.imageSize == b.imageSize else {
            throw Diagnostic(
                "\(sourceName(from)) and \(sourceName(to)) have images of different sizes", range: to.range,
                kind: .shape)
        }
        let network = try pictureNetwork(entry, for: a, named: sourceName(from), at: from.range)
        let ends = [a.slice(0..<1), b.slice(0..<1)]
        let codes = try drawing(range) { try ends.map { try network.encode($0.tensor).data } }
        let pixels = ends.map(\.pixels)
        func picture(_ t: Double) throws -> PanelImage {
            let f = Float(t)
            let code = zip(codes[0], codes[1]).map { (1 - f) * $0 + f * $1 }
            let blend = zip(pixels[0], pixels[1]).map { (1 - f) * $0 + f * $1 }
            let decoded = try network.decode(Tensor(checkedShape: [1, code.count], data: code)).data
            return try ExploreDecoder.grid(
                blend + decoded, shape: network.inputShape, labels: ["pixels", "code"])
        }
        let image = try drawing(range) { try picture(0) }
        return showPanel(
            ControlPanel(
                title:
                    "explore \(entry.name): from \(sourceName(from)) (0) to \(sourceName(to)) (1)",
                controls: [Control(.slider(minimum: 0, maximum: 1, step: 0.01), label: "blend", value: 0)],
                image: image
            ) { _, values in PanelChange(image: try picture(values[0])) })
    }

    /// `explore MODEL plane`: a grid of digits decoded over a 2-d code's plane (three spreads
    /// either side of the mean code), a marker at the sliders' point, and the digit there.
    fileprivate func explorePlane(_ model: Identifier) throws -> MimeBundle? {
        let entry = try lookUpModel(model)
        let network = try pictureNetwork(entry, for: nil, named: "its data", at: model.range)
        guard network.latentSize == 2 else {
            throw Diagnostic(
                "explore ... plane needs a model with a 2-d code; \(entry.name)'s is \(network.latentSize)-d",
                range: range, kind: .value, expected: "explore \(entry.name) to give each coordinate a slider")
        }
        let (mean, std) = try codingDistribution(entry, network, at: range)
        let side = Explore.planeSide
        let low = (0..<2).map { Double(mean[$0]) - 3 * Double(max(std[$0], 1e-3)) }
        let high = (0..<2).map { Double(mean[$0]) + 3 * Double(max(std[$0], 1e-3)) }
        // Row 0 is the top of the plane (the second coordinate at its highest), as a chart draws it.
        var codes = [Float]()
        for row in 0..<side {
            for column in 0..<side {
                let x = low[0] + (high[0] - low[0]) * (Double(column) + 0.5) / Double(side)
                let y = high[1] - (high[1] - low[1]) * (Double(row) + 0.5) / Double(side)
                codes += [Float(x), Float(y)]
            }
        }
        let shape = network.inputShape
        let grid = try drawing(range) {
            let decoded = try network.decode(Tensor(checkedShape: [side * side, 2], data: codes)).data
            let grey = greyPixels(
                decoded, count: side * side, height: shape[0], width: shape.count > 1 ? shape[1] : 1,
                channels: shape.count > 2 ? shape[2] : 1)
            return try DigitGrid(
                imageHeight: shape[0], imageWidth: shape.count > 1 ? shape[1] : 1, scale: 1, columns: side, padding: 0
            ).render(pixels: grey, count: side * side)
        }
        func picture(_ x: Double, _ y: Double) throws -> PanelImage {
            let decoded = try network.decode(Tensor(checkedShape: [1, 2], data: [Float(x), Float(y)])).data
            let digit = try ExploreDecoder.raster(decoded, shape: shape)
            var map = grid
            map.mark(
                x: Int(Double(grid.width) * (x - low[0]) / (high[0] - low[0])),
                y: Int(Double(grid.height) * (high[1] - y) / (high[1] - low[1])))
            let both = Raster.beside(map, digit, gap: 8)
            return PanelImage(png: try PNGEncoder.encode(both, level: 1), width: both.width, height: both.height)
        }
        let image = try drawing(range) { try picture(Double(mean[0]), Double(mean[1])) }
        let controls = (0..<2).map { d in
            Control(
                .slider(minimum: low[d], maximum: high[d], step: (high[d] - low[d]) / 200), label: "code \(d)",
                value: Double(mean[d]))
        }
        return showPanel(
            ControlPanel(
                title:
                    "explore \(entry.name) plane: its 2-d code space, \(side) x \(side) digits",
                controls: controls,
                image: image
            ) { _, values in PanelChange(image: try picture(values[0], values[1])) })
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
        let decoded = try network.decode(Tensor(checkedShape: [1, code.count], data: code)).data
        if let digits, let digit, digit >= 0, digit < digits.count {
            let original = digits.slice(digit..<(digit + 1))
            return try Self.grid(
                original.pixels + decoded, shape: network.inputShape,
                labels: ["test \(digit): a \(original.labels[0])", "decoded"])
        }
        return try Self.grid(decoded, shape: network.inputShape, labels: ["decoded"])
    }

    /// Images of the network's input shape, large, in one row with labels.
    static func grid(_ pixels: [Float], shape: [Int], labels: [String]) throws -> PanelImage {
        let height = shape[0], width = shape.count > 1 ? shape[1] : 1, channels = shape.count > 2 ? shape[2] : 1
        let grey = greyPixels(pixels, count: labels.count, height: height, width: width, channels: channels)
        let grid = DigitGrid(imageHeight: height, imageWidth: width, scale: Explore.scale, columns: labels.count)
        let raster = try grid.render(pixels: grey, count: labels.count, labels: labels)
        return PanelImage(png: try PNGEncoder.encode(raster, level: 1), width: raster.width, height: raster.height)
    }

    /// One image of the network's input shape, large, without a label.
    static func raster(_ pixels: [Float], shape: [Int]) throws -> Raster {
        let height = shape[0], width = shape.count > 1 ? shape[1] : 1, channels = shape.count > 2 ? shape[2] : 1
        let grey = greyPixels(pixels, count: 1, height: height, width: width, channels: channels)
        return try DigitGrid(imageHeight: height, imageWidth: width, scale: Explore.scale, columns: 1, padding: 0)
            .render(pixels: grey, count: 1)
    }
}

extension Raster {
    /// A hollow square the size of one cell of the grid (28 pixels), centred on (x, y): white,
    /// two pixels thick, edged in black so that it shows on a white stroke too.
    fileprivate mutating func mark(x: Int, y: Int) {
        for dy in -15...15 {
            for dx in -15...15 {
                let edge = max(abs(dx), abs(dy))
                guard edge >= 13 else { continue }
                let px = x + dx, py = y + dy
                guard px >= 0, px < width, py >= 0, py < height, channels == 1 else { continue }
                pixels[py * width + px] = edge == 15 ? 0 : 255
            }
        }
    }

    /// Two grey rasters side by side, tops aligned, `gap` pixels apart on the canvas grey.
    fileprivate static func beside(_ left: Raster, _ right: Raster, gap: Int) -> Raster {
        var both = Raster(width: left.width + gap + right.width, height: max(left.height, right.height), fill: 48)
        for (part, x0) in [(left, 0), (right, left.width + gap)] {
            for row in 0..<part.height {
                let from = row * part.width
                both.pixels.replaceSubrange(
                    (row * both.width + x0)..<(row * both.width + x0 + part.width),
                    with: part.pixels[from..<(from + part.width)])
            }
        }
        return both
    }
}
