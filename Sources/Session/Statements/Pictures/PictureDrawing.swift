import Datasets
import Foundation
import Language
import Neural
import Pictures
import Support

/// What every picture statement shares: bundles for PNG and SVG, the model's network for some
/// images, codings, limits, and errors from the Pictures target turned into diagnostics.
extension StatementContext {
    /// Most images one grid draws; more would make a picture too large to read.
    static let gridLimit = 400

    func imageBundle(_ image: EncodedImage, summary: String) -> MimeBundle {
        MimeBundle(
            data: ["image/png": Data(image.bytes).base64EncodedString(), "text/plain": summary],
            metadata: ["image/png": ["width": image.width, "height": image.height]])
    }

    /// The chart as SVG, and inline in HTML too: frontends show `image/svg+xml` through an
    /// <img> at its own width (JupyterLab does not shrink it), while inline SVG scales down to
    /// the output area's width (`max-width: 100%` on its root) and never grows past its own.
    func chartBundle(_ chart: Chart) -> MimeBundle {
        MimeBundle(data: ["image/svg+xml": chart.svg, "text/html": chart.svg, "text/plain": chart.summary])
    }

    /// Images of a reference; an empty selection is a mistake worth naming.
    func pictureImages(_ reference: Reference) throws -> LabelledImages {
        let images = try lookUpData(reference).trainImages
        guard images.count > 0 else {
            throw Diagnostic("\(sourceName(reference)) holds no images", range: reference.range, kind: .data)
        }
        return images
    }

    /// The model's network for images of this shape (built with its initial weights when it has
    /// not met data yet, without storing it: only `train` changes a model).
    func pictureNetwork(_ entry: ModelEntry, for images: LabelledImages?, named name: String, at range: SourceRange)
        throws -> Autoencoder
    {
        let shape =
            images.map { [$0.height, $0.width, $0.channels] } ?? entry.network?.inputShape ?? ModelEntry.assumedInput
        return try entry.network(for: shape, dataName: name, at: range, cell: cellNumber, memory: memory)
    }

    /// Runs engine or drawing code, turning its errors into diagnostics at `range`.
    func drawing<T>(_ range: SourceRange, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch is Interrupted {
            throw interrupted()
        } catch let error as PicturesError {
            throw Diagnostic("cannot draw this: \(error)", range: range, kind: .value)
        } catch {
            throw Diagnostic("\(error)", range: range, kind: error is ShapeError ? .shape : .value)
        }
    }

    /// A digit grid as an image bundle.
    func gridBundle(
        _ pixels: [Float], count: Int, height: Int, width: Int, channels: Int = 1, columns: Int? = nil,
        labels: [String]? = nil, rowLabels: [String]? = nil, summary: String, at range: SourceRange
    ) throws -> MimeBundle {
        imageBundle(
            try gridImage(
                pixels, count: count, height: height, width: width, channels: channels, columns: columns,
                labels: labels, rowLabels: rowLabels, at: range),
            summary: summary)
    }

    /// A digit grid as a PNG.
    func gridImage(
        _ pixels: [Float], count: Int, height: Int, width: Int, channels: Int = 1, columns: Int? = nil,
        labels: [String]? = nil, rowLabels: [String]? = nil, at range: SourceRange
    ) throws -> EncodedImage {
        try drawing(range) {
            let grey = greyPixels(pixels, count: count, height: height, width: width, channels: channels)
            var grid = DigitGrid(imageHeight: height, imageWidth: width, columns: columns)
            grid.rowLabels = rowLabels
            return try grid.png(pixels: grey, count: count, labels: labels)
        }
    }

    /// Shows `panel` where controls can be shown (nil: nothing more to display); elsewhere its
    /// still picture is the statement's result. `still` is what frontends without controls show instead (by default the panel's first
    /// picture, which must then be a PNG).
    func showPanel(_ panel: ControlPanel, still: MimeBundle? = nil) -> MimeBundle? {
        let fallback =
            still
            ?? imageBundle(
                EncodedImage(bytes: panel.image.bytes, width: panel.image.width, height: panel.image.height),
                summary: panel.title + " (its sliders need a frontend that shows Jupyter widgets)")
        guard let host = output.controls else { return fallback }
        host.show(panel, fallback: fallback)
        return nil
    }

    /// An animation of equally sized grids, one per frame.
    func animationBundle(
        frames: [[Float]], count: Int, height: Int, width: Int, scale: Int? = nil, columns: Int? = nil,
        labels: [[String]?], delayMilliseconds: Int, summary: String, at range: SourceRange
    ) throws -> MimeBundle {
        try drawing(range) {
            let grid = DigitGrid(imageHeight: height, imageWidth: width, scale: scale, columns: columns)
            let rasters = try zip(frames, labels).map { try grid.render(pixels: $0.0, count: count, labels: $0.1) }
            let bytes = try AnimatedPNG.encode(frames: rasters, delayMilliseconds: delayMilliseconds)
            return imageBundle(
                EncodedImage(bytes: bytes, width: rasters[0].width, height: rasters[0].height), summary: summary)
        }
    }

    /// Codings of at most `limit` images (the first ones).
    func codings(_ network: Autoencoder, _ images: LabelledImages, limit: Int, at range: SourceRange) throws -> (
        codes: [Float], count: Int
    ) {
        let used = images.count > limit ? images.slice(0..<limit) : images
        let codes = try drawing(range) { try network.encode(try used.tensor, stop: shouldStop) }
        return (codes.data, used.count)
    }

    /// Per-coordinate mean and spread of a model's codings of the data it trained on (the first
    /// 2,000 images), or the standard normal when it has not trained.
    func codingDistribution(_ entry: ModelEntry, _ network: Autoencoder, at range: SourceRange) throws -> (
        mean: [Float], std: [Float]
    ) {
        let k = network.latentSize
        guard let data = entry.trainedOn, !network.isVariational else {
            return ([Float](repeating: 0, count: k), [Float](repeating: 1, count: k))
        }
        let (codes, n) = try codings(network, data.trainImages, limit: 2000, at: range)
        var mean = [Float](repeating: 0, count: k)
        var std = [Float](repeating: 0, count: k)
        for i in 0..<n { for j in 0..<k { mean[j] += codes[i * k + j] / Float(n) } }
        for i in 0..<n {
            for j in 0..<k { std[j] += (codes[i * k + j] - mean[j]) * (codes[i * k + j] - mean[j]) / Float(n) }
        }
        return (mean, std.map { $0.squareRoot() })
    }

    func shortNumber(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        var s = String(format: abs(v) < 0.01 ? "%.4f" : "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}

/// Grey pixels for drawing: one value per pixel (channels averaged).
func greyPixels(_ pixels: [Float], count: Int, height: Int, width: Int, channels: Int) -> [Float] {
    guard channels > 1 else { return pixels }
    var out = [Float](repeating: 0, count: count * height * width)
    for p in 0..<(count * height * width) {
        var s: Float = 0
        for c in 0..<channels { s += pixels[p * channels + c] }
        out[p] = s / Float(channels)
    }
    return out
}
