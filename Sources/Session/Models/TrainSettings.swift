import Language
import Neural

/// The options of `train` that stick to a model for its next `train`.
struct TrainSettings: Codable, Equatable {
    enum Length: Codable, Equatable {
        case epochs(Int)
        case steps(Int)
    }
    enum Noise: Codable, Equatable {
        case none
        case gaussian(Double)
        case mask(Double)
    }

    var length: Length = .epochs(1)
    var batch = 200
    /// Typed, and saved as their words ("mse", "adam"), as they always were.
    var loss = LossName.mse
    var optimizer = OptimizerName.adam
    var learningRate = 0.001
    var noise = Noise.none

    /// These settings with a `train` statement's options laid over them.
    func overlaid(with t: Train) -> TrainSettings {
        var s = self
        if let e = t.epochs { s.length = .epochs(e.value) }
        if let st = t.steps { s.length = .steps(st.value) }
        if let b = t.batch { s.batch = b.value }
        if let l = t.loss { s.loss = l.value }
        if let o = t.optimizer { s.optimizer = o.value }
        if let lr = t.learningRate { s.learningRate = lr.value }
        if let n = t.noise {
            switch n.value {
            case .none: s.noise = .none
            case .gaussian(let v): s.noise = .gaussian(v)
            case .mask(let v): s.noise = .mask(v)
            }
        }
        return s
    }

    var lossKind: LossKind { SpecConversion.loss(loss) }
    var optimizerKind: OptimizerKind { SpecConversion.optimizer(optimizer) }

    var trainingOptions: TrainingOptions {
        let engineNoise: InputNoise?
        switch noise {
        case .none: engineNoise = nil
        case .gaussian(let s): engineNoise = .gaussian(sigma: Float(s))
        case .mask(let p): engineNoise = .mask(fraction: Float(p))
        }
        let engineLength: TrainingOptions.Length
        switch length {
        case .epochs(let n): engineLength = .epochs(n)
        case .steps(let n): engineLength = .steps(n)
        }
        return TrainingOptions(
            length: engineLength, batchSize: batch, loss: lossKind, optimizer: optimizerKind,
            learningRate: Float(learningRate), noise: engineNoise)
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
