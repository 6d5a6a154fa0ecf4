import Language
import Pictures

extension LessonSession {
    /// `plot MODEL...`: loss curves per epoch, train solid and test dashed, one colour per model.
    func plot(_ models: [Identifier], _ context: StatementContext) throws -> MimeBundle? {
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
        return try drawing(context.range) {
            chartBundle(
                try LineChart(
                    title: "Loss of " + entries.map(\.name).joined(separator: ", "), xLabel: "epoch", yLabel: lossName,
                    series: series
                ).render())
        }
    }
}
