import Datasets
import Language
import Neural
import Support

/// `evaluate MODEL [on DATA]`: mse, l1, bce and PSNR of the reconstructions.
struct Evaluate: SessionStatement {
    static let keyword = "evaluate"
    static let model = Slot.model()
    static let on = Option(
        "on", .data("DATA", "the data to evaluate on, e.g. data.test"), meaning: "the images to reconstruct",
        default: "the test split of the data it was last trained on")
    static let grammar = Grammar(parts: [model], options: [on])
    static let help = StatementHelp(
        .training, "mse, l1, bce and PSNR (in dB, for pixels in [0, 1]) of the reconstructions.")

    let model: Identifier
    let on: Reference?

    static func parse(_ line: inout StatementReader) throws -> Evaluate {
        let model = try line.read(model)
        return Evaluate(model: model, on: try line.readOptions()[on])
    }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.evaluate(model, on: on) }
}

extension StatementContext {
    /// `evaluate MODEL on DATA`: mse, l1, bce and PSNR of the reconstructions.
    fileprivate func evaluate(_ model: Identifier, on reference: Reference?) throws -> MimeBundle {
        let entry = try lookUpModel(model)
        let images: LabelledImagesView
        if let reference {
            images = LabelledImagesView(try lookUpData(reference).trainImages, name: sourceName(reference))
        } else if let data = entry.trainedOn {
            let name = entry.trainedOnName ?? "its data"
            images =
                data.testImages.map { LabelledImagesView($0, name: name + ".test") }
                ?? LabelledImagesView(data.trainImages, name: name)
        } else {
            throw Diagnostic(
                "\(entry.name) has not been trained, so evaluate needs data", range: model.range, kind: .value,
                expected: "on DATA, e.g. evaluate \(entry.name) on data.test")
        }
        guard images.images.count > 0 else {
            throw Diagnostic("\(images.name) holds no images", range: reference?.range ?? model.range, kind: .data)
        }
        let i = images.images
        let network = try entry.network(
            for: i.sampleShape, dataName: images.name, at: reference?.range ?? model.range, cell: cellNumber,
            memory: memory)
        let result: Evaluation
        do {
            result = try network.evaluate(on: i.samples, stop: shouldStop)
        } catch is Interrupted {
            throw interrupted()
        } catch {
            throw Diagnostic("\(entry.name) cannot be evaluated: \(error)", range: model.range, kind: .shape)
        }
        if entry.network == nil {
            // Evaluating an untrained model builds it; keep the build so the weights stay the same.
            entry.network = network
        }
        let table = Table(
            title: "\(entry.name) on \(images.name) (\(grouped(result.count)) images)",
            columns: [("mse", .right), ("l1", .right), ("bce", .right), ("PSNR (dB)", .right)],
            rows: [
                [
                    formatLoss(result.mse), formatLoss(result.l1), formatLoss(result.bce),
                    String(format: "%.2f", result.psnr),
                ]
            ])
        return table.bundle
    }
}

/// Images with the name the learner wrote for them.
struct LabelledImagesView {
    let images: Datasets.LabelledImages
    let name: String
    init(_ images: Datasets.LabelledImages, name: String) {
        self.images = images
        self.name = name
    }
}
