import Datasets
import Foundation
import Language
import Neural

extension LessonSession {
    /// `train MODEL on DATA epochs N ...`: options stick to the model; an interruption stops at
    /// the next batch and keeps what was learned.
    func train(_ syntax: TrainSyntax, _ context: StatementContext) throws -> MimeBundle? {
        let entry = try lookUpModel(syntax.model)
        let settings = entry.settings.overlaid(with: syntax)
        let data: DataValue
        let dataName: String
        if let reference = syntax.data {
            data = try lookUpData(reference)
            dataName = sourceName(reference)
        } else if let previous = entry.trainedOn {
            data = previous
            dataName = entry.trainedOnName ?? "its data"
        } else {
            throw Diagnostic(
                "\(entry.name) has not been trained before, so it needs data", range: context.range.endPoint,
                kind: .value, expected: "on DATA, e.g. train \(entry.name) on data epochs 5")
        }
        let trainImages = data.trainImages
        guard trainImages.count > 0 else {
            throw Diagnostic("\(dataName) holds no images", range: syntax.data?.range ?? context.range, kind: .data)
        }
        let shape = trainImages.sampleShape
        let network = try entry.network(
            for: shape, dataName: dataName, at: syntax.data?.range ?? syntax.model.range, cell: cellNumber)
        let train: Tensor, test: Tensor?
        do {
            train = try trainImages.tensor
            test = try data.testImages.flatMap { $0.count > 0 ? try $0.tensor : nil }
        } catch {
            throw Diagnostic(
                "\(dataName) cannot be used: \(error)", range: syntax.data?.range ?? context.range, kind: .data)
        }
        let widest = network.layerOutputShapes.compactMap(ModelLimits.product).max() ?? 0
        let batchValues = widest.multipliedReportingOverflow(by: min(settings.batch, trainImages.count))
        guard !batchValues.overflow, batchValues.partialValue <= ModelLimits.valuesPerBatch else {
            throw Diagnostic(
                "a batch of \(settings.batch) through \(entry.name) would hold too many values at once for this kernel",
                range: syntax.batch?.range ?? syntax.model.range, kind: .value,
                expected:
                    "a smaller batch (at most \(max(1, ModelLimits.valuesPerBatch / max(widest, 1))) for this model)")
        }
        var options = settings.trainingOptions
        options.batchSize = settings.batch
        if let optimizer = network.optimizerState?.kind, optimizer.name != settings.optimizer.rawValue {
            context.say("\(entry.name): optimizer \(settings.optimizer) starts afresh (it was \(optimizer.name))")
        }

        let progress = ProgressDisplay(
            output: context.output, id: nextDisplayID("train"), title: "training \(entry.name) on \(dataName)")
        let batchesPerEpoch = options.batchesPerEpoch(samples: train.batch)
        let report: TrainingReport
        var record = entry.progress
        record.start(network: network, data: data)
        var trace = entry.training
        trace.begin()
        do {
            report = try network.train(on: train, test: test, options: options) { p in
                progress.tick(p)
                trace.record(runningLoss: p.runningLoss, batch: p.batch)
                if p.batch == p.batchesPerEpoch { record.capture(network: network, epoch: p.epoch) }
                return !self.interruption.isRaised
            }
        } catch {
            progress.finish("not started", fraction: 0)
            throw Diagnostic(
                "\(entry.name) cannot train: \(error)", range: context.range,
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
        context.output.display(epochTable(entry, report.records, dataName: dataName, settings: settings), id: nil)
        if report.stop != .finished { context.say("\(entry.name): \(report.message)") }
        // Look for the pitfalls the lessons teach; a healthy model gets no word.
        if let findings = try? diagnose(entry), !findings.isEmpty {
            context.output.display(findingsBundle(entry.name, findings, health: nil), id: nil)
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
