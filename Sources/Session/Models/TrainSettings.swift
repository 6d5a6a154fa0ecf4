import Neural

/// The options of `train` that stick to a model for its next `train`. Its words are Terms'
/// (LossKind, OptimizerName, InputNoise, TrainingLength): the ones `train` reads and the engine
/// trains with, saved in model files as they always were.
struct TrainSettings: Codable, Equatable {
    var length = TrainingLength.epochs(1)
    var batch = 200
    var loss = LossKind.mse
    var optimizer = OptimizerName.adam
    var learningRate = 0.001
    var noise = InputNoise.none

    /// These settings with a `train` statement's options laid over them.
    func overlaid(with t: Train) -> TrainSettings {
        var s = self
        if let e = t.epochs { s.length = .epochs(e.value) }
        if let st = t.steps { s.length = .steps(st.value) }
        if let b = t.batch { s.batch = b.value }
        if let l = t.loss { s.loss = l.value }
        if let o = t.optimizer { s.optimizer = o.value }
        if let lr = t.learningRate { s.learningRate = lr.value }
        if let n = t.noise { s.noise = n.value }
        return s
    }

    var trainingOptions: TrainingOptions {
        TrainingOptions(
            length: length, batchSize: batch, loss: loss, optimizer: OptimizerKind(optimizer),
            learningRate: Float(learningRate), noise: noise)
    }

    /// "mse, adam, lr 0.001, batch 200"
    var text: String {
        var parts = [loss.rawValue, optimizer.rawValue, "lr \(learnerNumber(learningRate))", "batch \(batch)"]
        switch noise {
        case .none: break
        case .gaussian(let s): parts.append("noise gaussian \(learnerNumber(s))")
        case .mask(let p): parts.append("noise mask \(learnerNumber(p))")
        }
        return parts.joined(separator: ", ")
    }
}
