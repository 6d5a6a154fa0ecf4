import Datasets
import Foundation
import Neural

/// Measures a trained model for `why`: one forward pass over a sample of its data, keeping
/// every layer's output, plus what training recorded.
enum HealthMeasurement {
    /// Images measured: enough for a ReLU unit that never fires to be told from a rare one, few
    /// enough to cost a small part of a training run.
    static let sampleSize = 500

    static func measure(_ entry: ModelEntry, _ network: Autoencoder) throws -> ModelHealth {
        var h = ModelHealth()
        h.history = network.history
        h.steps = network.stepsTrained
        h.loss = entry.settings.loss
        h.optimizer = entry.settings.optimizer.rawValue
        h.learningRate = entry.settings.learningRate
        h.recentBatchLosses = entry.training.recentBatchLosses
        h.firstLoss = entry.training.firstLoss
        h.lastStop = entry.training.lastStop
        h.outputActivation = outputActivation(entry.specs)
        h.codeActivation = codeActivation(entry.specs)
        guard let data = entry.trainedOn else { return h }
        let source = data.testImages.flatMap { $0.count > 0 ? $0 : nil } ?? data.trainImages
        let images = source.slice(0..<min(sampleSize, source.count))
        guard images.count > 0 else { return h }
        h.sampled = images.count
        let inputs = try images.tensor
        let inspection = try network.inspect(inputs)
        let outputs = inspection.layerOutputs
        let n = images.count

        h.inputSpread = spread(inputs.data, count: n)
        h.outputSpread = spread(outputs.last!.data, count: n)
        h.pixelsInUnitRange = inputs.data.allSatisfy { $0 >= 0 && $0 <= 1 }
        if h.pixelsInUnitRange {
            let out = outputs.last!.data
            h.outputOutOfRange = Double(out.filter { $0 < -0.1 || $0 > 1.1 }.count) / Double(max(out.count, 1))
        }
        let code = inspection.code.data
        switch h.codeActivation {
        case .tanh: h.codeSaturation = share(code) { abs($0) > 0.99 }
        case .sigmoid: h.codeSaturation = share(code) { $0 < 0.01 || $0 > 0.99 }
        default: break
        }
        h.deadUnits = deadUnits(network, outputs)
        if let moments = inspection.codeMoments {
            let k = network.latentSize
            var kl = [Double](repeating: 0, count: k)
            for i in 0..<n {
                for j in 0..<k {
                    let m = Double(moments.mean.data[i * k + j]), lv = Double(moments.logVariance.data[i * k + j])
                    kl[j] += 0.5 * (m * m + exp(lv) - lv - 1) / Double(n)
                }
            }
            h.klPerDimension = kl
            h.activityPerDimension = (0..<k).map { j in
                spread((0..<n).map { moments.mean.data[$0 * k + j] }, count: n)
            }
        }
        return h
    }

    /// Mean over positions of the variance across the `count` samples.
    static func spread(_ values: [Float], count: Int) -> Double {
        guard count > 1 else { return 0 }
        let size = values.count / count
        var mean = [Double](repeating: 0, count: size)
        var square = [Double](repeating: 0, count: size)
        for i in 0..<count {
            for p in 0..<size {
                let v = Double(values[i * size + p])
                mean[p] += v
                square[p] += v * v
            }
        }
        var total = 0.0
        for p in 0..<size {
            let m = mean[p] / Double(count)
            total += max(0, square[p] / Double(count) - m * m)
        }
        return total / Double(max(size, 1))
    }

    static func share(_ values: [Float], _ test: (Float) -> Bool) -> Double {
        Double(values.filter(test).count) / Double(max(values.count, 1))
    }

    /// The activation of the model's last line (linear for a line without one).
    static func outputActivation(_ specs: [LayerSpec]) -> Activation {
        specs.last?.declaration.outputActivation ?? .linear
    }

    static func codeActivation(_ specs: [LayerSpec]) -> Activation {
        specs.first(where: \.isLatent)?.declaration.outputActivation ?? .linear
    }

    /// Per ReLU layer, the units (channels for a convolution) that are zero for every sample.
    static func deadUnits(_ network: Autoencoder, _ outputs: [Tensor]) -> [ModelHealth.DeadUnits] {
        var result: [ModelHealth.DeadUnits] = []
        for (index, layer) in network.layers.enumerated() {
            let isReLU =
                (layer as? Dense)?.activation == .relu || (layer as? ActivationLayer)?.activation == .relu
            guard isReLU else { continue }
            let shape = network.layerOutputShapes[index]
            // Units are the last axis: a dense layer's outputs, a convolution's channels.
            let units = shape.last ?? 0
            let values = outputs[index].data
            guard units > 0, values.count % units == 0 else { continue }
            var alive = [Bool](repeating: false, count: units)
            for (i, v) in values.enumerated() where v != 0 { alive[i % units] = true }
            let dead = alive.filter { !$0 }.count
            // The model line the layer carries out.
            let spec = network.layerSpecIndices[index]
            result.append(.init(line: spec + 1, text: network.specs[spec].text, dead: dead, units: units))
        }
        return result
    }
}
