import Datasets
import Foundation
import Language
import Neural

/// `train MODEL [on DATA] [epochs N] ...`: options stick to the model.
struct Train: SessionStatement {
    static let keyword = "train"
    static let model = Slot.model()
    static let on = Option(
        "on", .data("DATA", "the data to train on, e.g. data"),
        meaning:
            "what to train on: a split trains on `.train` and reports the test loss on `.test`; a set of images trains on all of it",
        default: "the data of the last `train` (needed the first time)")
    static let epochs = Option(
        "epochs", .integer("N", "epochs", minimum: 1), meaning: "passes over the training images", default: "1")
    static let steps = Option(
        "steps", .integer("N", "steps", minimum: 1), meaning: "this many mini-batches instead of whole epochs",
        default: "(epochs)")
    static let batch = Option(
        "batch", .integer("N", "batch", minimum: 1), meaning: "images per mini-batch, at least 1", default: "200")
    static let loss = Option(
        "loss", Slot.word("L", "loss", words: LossKind.words, LossKind.init(word:)),
        meaning: "`mse`, `l1` (also `mae`) or `bce`; a VAE adds its KL term", default: "mse")
    static let optimizer = Option(
        "optimizer", Slot<Located<OptimizerName>>.choice("O", "optimizer"),
        meaning: "`adam`, `sgd` (momentum 0.9) or `rmsprop`; changing it starts a fresh optimizer state",
        default: "adam")
    static let learningRate = Option(
        "lr", .number("X", "lr", .positive), meaning: "learning rate, greater than 0", default: "0.001")
    static let noise = Option(
        "noise",
        Slot<Located<InputNoise>>(
            "KIND", expected: "a kind of noise: gaussian STD, mask P or none", completing: .words(noiseWords),
            read: readNoise),
        meaning:
            "denoising: `gaussian S` adds N(0, S²) to the inputs, `mask P` zeroes a fraction P of their pixels, `none` stops; the loss still compares with the clean images",
        default: "none")
    static let grammar = Grammar(
        parts: [model], options: [on, epochs, steps, batch, loss, optimizer, learningRate, noise])
    static let help = StatementHelp(
        .training,
        """
        trains the model. Options stick to the model: `train ae epochs 5` goes on from where the last
        `train` stopped, with the same data and settings, changing only the epochs. `epochs` and
        `steps` replace each other. While it trains one output updates in place: epoch, batch, loss
        and time left, and (see `live`) the loss chart, test digits and their reconstructions, and a
        2-D code's map, as the model learns. When it ends, a table of epochs: train loss, test loss, seconds. Interrupting
        stops at the next batch; the model keeps what it learned and says where it stopped. Losses
        are means per pixel (for a VAE, per image: summed reconstruction plus KL). After every
        `train`, Latent looks at the model (as `why` does) and, only when something looks wrong,
        says what and what to try.
        """,
        examples: [
            "train ae on data epochs 50 batch 200 loss mse optimizer adam lr 0.001", "train ae epochs 5",
            "train ae steps 100", "train ae on data noise gaussian 0.5",
        ])

    var model: Identifier
    var data: Reference?
    var epochs: Located<Int>?
    var steps: Located<Int>?
    var batch: Located<Int>?
    var loss: Located<LossKind>?
    var optimizer: Located<OptimizerName>?
    var learningRate: Located<Double>?
    var noise: Located<InputNoise>?

    static func parse(_ line: inout StatementReader) throws -> Train {
        var train = Train(model: try line.read(model))
        let options = try line.readOptions()
        train.data = options[on]
        train.epochs = options[epochs]
        train.steps = options[steps]
        train.batch = options[batch]
        train.loss = options[loss]
        train.optimizer = options[optimizer]
        train.learningRate = options[learningRate]
        train.noise = options[noise]
        if let e = train.epochs, let st = train.steps {
            throw Diagnostic(
                "give epochs or steps, not both", range: st.range, kind: .value,
                expected: "either epochs \(e.value) or steps \(st.value)")
        }
        return train
    }

    func run(_ context: StatementContext) throws -> MimeBundle? { try context.train(self) }

    static let noiseWords = ["gaussian", "mask", "none"]

    /// `gaussian S`, `mask P` or `none` after `noise`.
    static func readNoise(_ line: inout StatementReader, _ expected: String) throws -> Located<InputNoise> {
        let start = line.hereRange
        guard let t = line.peek, let w = t.word else { throw line.unexpected(expected) }
        switch w {
        case "gaussian":
            line.next()
            let std = try line.number("the noise's standard deviation", .nonNegative)
            return Located(.gaussian(std.value), start.union(std.range))
        case "mask":
            line.next()
            let p = try line.number("the masked fraction", .fraction)
            return Located(.mask(p.value), start.union(p.range))
        case "none":
            line.next()
            return Located(.none, t.range)
        default:
            throw Diagnostic(
                "'\(w)' is not a kind of noise", range: t.range, expected: "gaussian STD, mask P or none",
                suggestion: Suggestion.nearest(to: w, in: noiseWords))
        }
    }
}

extension StatementContext {
    /// `train MODEL on DATA epochs N ...`: options stick to the model; an interruption stops at
    /// the next batch and keeps what was learned.
    fileprivate func train(_ syntax: Train) throws -> MimeBundle? {
        let entry = try lookUpModel(syntax.model)
        let settings = entry.settings.overlaid(with: syntax)
        let data: DataValue
        let dataName: String
        let dataSource: DataSource?
        if let reference = syntax.data {
            data = try lookUpData(reference)
            dataName = sourceName(reference)
            dataSource = source(of: reference)
        } else if let previous = entry.trainedOn {
            data = previous
            dataName = entry.trainedOnName ?? "its data"
            dataSource = entry.trainedOnSource
        } else {
            throw Diagnostic(
                "\(entry.name) has not been trained before, so it needs data", range: range.endPoint,
                kind: .value, expected: "on DATA, e.g. train \(entry.name) on data epochs 5")
        }
        let trainImages = data.trainImages
        guard trainImages.count > 0 else {
            throw Diagnostic("\(dataName) holds no images", range: syntax.data?.range ?? range, kind: .data)
        }
        let shape = trainImages.sampleShape
        let network = try entry.network(
            for: shape, dataName: dataName, at: syntax.data?.range ?? syntax.model.range, cell: cellNumber,
            memory: memory)
        let train = trainImages.samples
        let test = data.testImages.flatMap { $0.count > 0 ? $0.samples : nil }
        let widest = network.layerOutputShapes.compactMap(ModelLimits.product).max() ?? 0
        let batchValues = widest.multipliedReportingOverflow(by: min(settings.batch, trainImages.count))
        guard !batchValues.overflow, batchValues.partialValue <= ModelLimits.valuesPerBatch else {
            throw Diagnostic(
                "a batch of \(settings.batch) through \(entry.name) would hold too many values at once for this kernel",
                range: syntax.batch?.range ?? syntax.model.range, kind: .value,
                expected:
                    "a smaller batch (at most \(max(1, ModelLimits.valuesPerBatch / max(widest, 1))) for this model)")
        }
        // A batch's outputs are kept for the backward pass, beside their gradients and a scratch
        // copy; the optimizer's buffers are made at the first step.
        let batch = min(settings.batch, trainImages.count)
        let perSample = network.layerOutputShapes.compactMap(ModelLimits.product).reduce(0, +)
        let optimizerState = network.optimizerState == nil ? network.parameterCount * 8 : 0
        try memory.check(
            perSample * batch * 4 * 3 + optimizerState, for: "a batch of \(batch) through \(entry.name)",
            at: syntax.batch?.range ?? syntax.model.range, instead: "a smaller batch, e.g. batch \(max(1, batch / 4))")
        var options = settings.trainingOptions
        options.batchSize = settings.batch
        if let optimizer = network.optimizerState?.kind, optimizer.name != settings.optimizer {
            say("\(entry.name): optimizer \(settings.optimizer) starts afresh (it was \(optimizer.name))")
        }

        let progress = trainingDisplay(
            entry, network: network, data: data, dataName: dataName, loss: options.loss)
        let batchesPerEpoch = options.batchesPerEpoch(samples: train.batch)
        let report: TrainingReport
        var record = entry.progress
        record.start(network: network, data: data)
        var trace = entry.training
        trace.begin()
        // After every complete epoch, autosave may write the model as this `train` will leave it.
        let (epochsBefore, networkEpochsBefore) = (entry.epochsTrained, network.epochsTrained)
        let epochEnded = { (epoch: EpochRecord) -> Void in
            progress.epochEnded(epoch)
            self.autosave?.epochEnded(
                entry, network: network, epochs: epochsBefore + Double(network.epochsTrained - networkEpochsBefore),
                settings: settings, trainedOn: (dataName, dataSource))
        }
        do {
            report = try network.train(
                on: train, test: test, options: options,
                progress: { p in
                    progress.tick(p)
                    trace.record(runningLoss: p.runningLoss, batch: p.batch)
                    if p.batch == p.batchesPerEpoch { record.capture(network: network, epoch: p.epoch) }
                    return !self.interruption.isRaised
                }, epochEnded: epochEnded)
        } catch {
            progress.finish("not started", fraction: 0)
            throw Diagnostic(
                "\(entry.name) cannot train: \(error)", range: range,
                kind: error is ShapeError ? .shape : .training)
        }
        // Only now does the session change: the network, its settings and its data.
        entry.network = network
        entry.progress = record
        trace.end(report.stop)
        entry.training = trace
        entry.settings = settings
        entry.trainedOn = data
        entry.trainedOnName = dataName
        entry.trainedOnSource = dataSource
        for record in report.records {
            entry.epochsTrained += record.complete ? 1 : Double(record.batches) / Double(batchesPerEpoch)
        }
        switch report.stop {
        case .finished: progress.finish("done, \(report.steps) batches", fraction: 1)
        case .interrupted(let epoch, let batch):
            progress.finish("interrupted at epoch \(epoch), batch \(batch)", fraction: progress.fractionDone)
        case .diverged(let epoch, let batch, _):
            progress.finish(
                "stopped at epoch \(epoch), batch \(batch): the loss diverged", fraction: progress.fractionDone)
        }
        liveDrawingSeconds += progress.drawingSeconds
        output.display(epochTable(entry, report.records, dataName: dataName, settings: settings), id: nil)
        if report.stop != .finished { say("\(entry.name): \(report.message)") }
        // Look for the pitfalls the lessons teach; a healthy model gets no word.
        if let findings = try? diagnose(entry), !findings.isEmpty {
            output.display(findingsBundle(entry.name, findings, health: nil), id: nil)
        }
        return nil
    }

    /// The table at the end of `train`: one row per epoch this call trained.
    func epochTable(_ entry: ModelEntry, _ records: [EpochRecord], dataName: String, settings: TrainSettings)
        -> MimeBundle
    {
        let rows = records.map { r -> [String] in
            [
                r.complete ? "\(r.epoch)" : "\(r.epoch) (part: \(r.batches) batches)",
                formatLoss(r.trainLoss), r.testLoss.map(formatLoss) ?? "-",
                showsTimings ? String(format: "%.2f", r.seconds) : "-",
            ]
        }
        let table = Table(
            title: "\(entry.name) on \(dataName) (\(settings.text))",
            columns: [("epoch", .left), ("train loss", .right), ("test loss", .right), ("seconds", .right)],
            rows: rows)
        return table.bundle
    }
}

/// A loss as the epoch tables show it: four decimals, two from 10 up (a VAE's per-image loss).
func formatLoss(_ v: Float) -> String {
    let d = Double(v)
    if !d.isFinite { return learnerNumber(d) }
    return abs(d) >= 10 ? String(format: "%.2f", d) : String(format: "%.4f", d)
}

extension SourceRange {
    /// An empty place just after the range, where something missing would go.
    var endPoint: SourceRange {
        SourceRange(start: end, end: end)
    }
}
