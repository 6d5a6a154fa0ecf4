import Language
import Pictures

/// `plot MODEL...`: loss curves per epoch.
struct Plot: SessionStatement {
    static let keyword = "plot"
    static let models = Slot<[Identifier]>("MODEL...", expected: "a model's name", completing: .models) {
        line, expected in
        var models = [try line.name(expected)]
        while !line.atEnd {
            _ = line.consumeSymbol(",")
            models.append(try line.name(expected))
        }
        return models
    }
    static let grammar = Grammar(parts: [models])
    static let help = StatementHelp(.pictures, "loss curves per epoch (train and test); several models on one chart.")

    let models: [Identifier]

    static func parse(_ line: inout StatementReader) throws -> Plot { Plot(models: try line.read(models)) }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.plot(models) }
}

extension StatementContext {
    /// `plot MODEL...`: loss curves per epoch, train solid and test dashed, one colour per model.
    fileprivate func plot(_ models: [Identifier]) throws -> MimeBundle? {
        let entries = try models.map(lookUpModel)
        var series = [LineChart.Series]()
        var losses = Set<String>()
        for (index, (entry, id)) in zip(entries, models).enumerated() {
            guard let history = entry.network?.history, !history.isEmpty else {
                throw Diagnostic(
                    "\(entry.name) has not been trained yet, so it has no loss curve", range: id.range, kind: .value,
                    expected: "train \(entry.name) on DATA epochs N first")
            }
            let x = history.map { Double($0.epoch) }
            series.append(
                .init(name: "\(entry.name) train", x: x, y: history.map { Double($0.trainLoss) }, group: index))
            let tested = history.filter { $0.testLoss != nil }
            if !tested.isEmpty {
                series.append(
                    .init(
                        name: "\(entry.name) test", x: tested.map { Double($0.epoch) },
                        y: tested.map { Double($0.testLoss!) }, group: index, dashed: true))
            }
            losses.insert("\(history.last!.loss)")
        }
        let lossName = losses.count == 1 ? losses.first! : "loss"
        return try drawing(range) {
            chartBundle(
                try LineChart(
                    title: "Loss of " + entries.map(\.name).joined(separator: ", "), xLabel: "epoch", yLabel: lossName,
                    series: series
                ).render())
        }
    }
}
