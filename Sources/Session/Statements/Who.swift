import Language

extension LessonSession {
    /// `who`: every name, its kind, size, epochs trained and last loss.
    func who() -> MimeBundle {
        guard !names.isEmpty else {
            return MimeBundle(text: "the session is empty (seed \(seed)); start with: data = mnist")
        }
        var rows = [[String]]()
        for name in names.order {
            if let d = names.data(name) {
                rows.append([name, "data", "\(d.sizeText) of \(d.shapeText)", "", ""])
            } else if let m = names.model(name) {
                rows.append([
                    name, m.kindText, m.sizeText, learnerNumber(m.epochsTrained),
                    m.lastLoss.map(learnerNumber) ?? "",
                ])
            }
        }
        let table = Table(
            title: "session (seed \(seed))",
            columns: [
                ("name", .left), ("kind", .left), ("size", .left), ("epochs", .right), ("last loss", .right),
            ], rows: rows)
        return table.bundle
    }
}
