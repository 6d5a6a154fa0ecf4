import Datasets
import Foundation
import Neural
import Pictures

/// What `train`'s live display draws beside its progress line: the loss chart as it grows (each
/// batch's train loss, smoothed, and the test loss after each epoch), a strip of fixed test
/// digits over their reconstructions now, and for a model with a 2-D code, the codes of 500 test
/// digits coloured by label. Recording a batch costs a few additions; the model is looked at and
/// the pictures drawn only when the display sends an update (at most 4 times a second).
final class LiveTrainingPictures {
    static let stripDigits = 8
    static let mapDigits = 500
    /// Most points the train-loss line is drawn with (evenly thinned), so that a long run stays a
    /// small picture.
    static let chartPoints = 400
    /// How much of the smoothed loss each batch keeps (an exponential moving average, as
    /// TensorBoard's smoothing slider at 0.9), with the start's bias taken out.
    static let smoothing = 0.9
    /// The strip and the map are looked at again after this share of an epoch, so a few times
    /// an epoch however long it is.
    static let refreshShare = 0.25

    let network: Autoencoder
    let name: String
    let lossName: String
    let strip: LabelledImages
    let map: LabelledImages?
    private(set) var reconstructions: [Float] = [] {
        didSet { stripHTML = nil }
    }
    private(set) var codes: [Float] = [] {
        didSet { mapSVG = nil }
    }
    /// The strip and the map as drawn, kept until the model is looked at again: most updates
    /// redraw only the chart.
    private var stripHTML: String?
    private var mapSVG: String?

    private(set) var trainX: [Double] = []
    private(set) var trainY: [Double] = []
    private(set) var testX: [Double] = []
    private(set) var testY: [Double] = []
    private var average = 0.0
    private var averaged = 0
    private var previousRunning: Double = 0
    private var stepsAtStrip = 0
    private var stepsAtMap = 0
    private var steps = 0
    private var mapIsStale = false

    /// `data`'s test part (else its training part) gives the digits. Nil when there is nothing
    /// to show them from.
    init?(network: Autoencoder, data: DataValue, name: String, loss: LossKind) {
        let source = data.testImages.flatMap { $0.count > 0 ? $0 : nil } ?? data.trainImages
        guard source.count > 0 else { return nil }
        self.network = network
        self.name = name
        self.lossName = loss.rawValue
        strip = source.subset(Self.distinctDigits(source.labels, count: Self.stripDigits))
        map =
            network.latentSize == 2 ? source.slice(0..<min(Self.mapDigits, source.count)) : nil
        lookAtStrip()
        lookAtMap()
    }

    /// The first image of each label in turn, then the next ones, up to `count`: a strip that
    /// shows as many different digits as the data has.
    static func distinctDigits(_ labels: [UInt8], count: Int) -> [Int] {
        var chosen = [Int]()
        var seen = Set<UInt8>()
        for (i, label) in labels.enumerated() where chosen.count < count && seen.insert(label).inserted {
            chosen.append(i)
        }
        for i in labels.indices where chosen.count < count && !chosen.contains(i) { chosen.append(i) }
        return chosen.sorted { labels[$0] < labels[$1] }
    }

    /// After every batch: its loss (worked out from the epoch's running mean) into the smoothed line.
    func record(_ p: TrainingProgress) {
        steps = p.step
        let running = Double(p.runningLoss)
        let batchLoss = p.batch > 1 ? running * Double(p.batch) - previousRunning * Double(p.batch - 1) : running
        previousRunning = running
        guard batchLoss.isFinite else { return }
        averaged += 1
        average = Self.smoothing * average + (1 - Self.smoothing) * batchLoss
        let smoothed = average / (1 - pow(Self.smoothing, Double(averaged)))
        trainX.append(Double(p.epoch - 1) + Double(p.batch) / Double(max(p.batchesPerEpoch, 1)))
        trainY.append(smoothed)
    }

    /// After every complete epoch: its test loss, and the code map is due again.
    func recordEpoch(_ record: EpochRecord) {
        if let test = record.testLoss, test.isFinite {
            testX.append(Double(record.epoch))
            testY.append(Double(test))
        }
        mapIsStale = true
    }

    /// Before an update is sent: the digits and codes looked at again when a share of an epoch
    /// has passed since the last look (the map also after each epoch); `all` looks at both now.
    func refresh(batchesPerEpoch: Int, all: Bool = false) {
        let due = max(1, Int((Double(batchesPerEpoch) * Self.refreshShare).rounded()))
        if all || steps - stepsAtStrip >= due { lookAtStrip() }
        if map != nil, all || mapIsStale || steps - stepsAtMap >= due { lookAtMap() }
    }

    private func lookAtStrip() {
        stepsAtStrip = steps
        if let out = try? network.reconstruct(try strip.tensor) { reconstructions = out.data }
    }

    private func lookAtMap() {
        stepsAtMap = steps
        mapIsStale = false
        guard let map, let out = try? network.encode(try map.tensor) else { return }
        codes = out.data
    }

    /// The pictures as HTML: the chart and the map side by side (wrapping on a narrow page), the
    /// strip below. A picture that cannot be drawn yet (no batch trained) is left out.
    var html: String {
        if mapSVG == nil { mapSVG = (try? codeMap()?.svg) ?? "" }
        if stripHTML == nil { stripHTML = (try? stripPicture()).map(stripMarkup) ?? "" }
        var row = [String]()
        if let chart = try? lossChart().svg { row.append(chart) }
        if let map = mapSVG, !map.isEmpty { row.append(map) }
        var out = "<div style=\"display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start\">"
        out += row.map { "<div style=\"flex:0 1 auto;min-width:0\">\($0)</div>" }.joined() + "</div>"
        return out + (stripHTML ?? "")
    }

    private func stripMarkup(_ png: EncodedImage) -> String {
        "<div style=\"font-size:12px;color:#808080\">\(strip.count) test digits (top) and what \(markupEscaped(name)) makes of them now (below)</div>"
            + "<img alt=\"test digits and their reconstructions\" style=\"max-width:100%\" width=\"\(png.width)\" "
            + "height=\"\(png.height)\" src=\"data:image/png;base64,\(Data(png.bytes).base64EncodedString())\"/>"
    }

    func lossChart() throws -> Chart {
        let kept = Self.thinned(trainX.count, to: Self.chartPoints)
        var series = [
            LineChart.Series(
                name: "train (smoothed)", x: kept.map { trainX[$0] }, y: kept.map { trainY[$0] }, group: 0)
        ]
        if !testX.isEmpty {
            series.append(.init(name: "test, each epoch", x: testX, y: testY, group: 1, dashed: true))
        }
        var chart = LineChart(
            title: "loss of \(name) as it trains", xLabel: "epoch", yLabel: lossName, series: series)
        chart.width = 520
        chart.height = 300
        return try chart.render()
    }

    /// Nil for a model whose code is not 2-D.
    func codeMap() throws -> Chart? {
        guard let map, codes.count == 2 * map.count else { return nil }
        var chart = ScatterChart(
            title: "codes of \(map.count) test digits", xLabel: "code 1", yLabel: "code 2",
            x: stride(from: 0, to: codes.count, by: 2).map { Double(codes[$0]) },
            y: stride(from: 1, to: codes.count, by: 2).map { Double(codes[$0]) }, classes: map.labels.map(Int.init))
        chart.width = 380
        chart.height = 300
        chart.radius = 2
        return try chart.render()
    }

    func stripPicture() throws -> EncodedImage {
        let n = strip.count
        let count = reconstructions.count == strip.pixels.count ? 2 * n : n
        let pixels = strip.pixels + (count > n ? reconstructions : [])
        var grid = DigitGrid(imageHeight: strip.height, imageWidth: strip.width, scale: 2, columns: n)
        grid.padding = 2
        return try grid.png(
            pixels: greyPixels(
                pixels, count: count, height: strip.height, width: strip.width, channels: strip.channels),
            count: count)
    }

    /// At most `limit` indices of `0..<count`, evenly spread, the last always in.
    static func thinned(_ count: Int, to limit: Int) -> [Int] {
        guard count > limit, limit > 1 else { return Array(0..<count) }
        return (0..<limit).map { $0 * (count - 1) / (limit - 1) }
    }
}
