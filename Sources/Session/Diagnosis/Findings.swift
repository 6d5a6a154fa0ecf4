import Foundation
import Neural

/// One thing `why` found wrong with a model: what it is, the numbers it saw, and the cures the
/// lessons teach.
struct Finding: Equatable {
    enum Kind: String, CaseIterable {
        case divergence, collapse, saturatedCode, deadReLUs, outputMismatch, posteriorCollapse, overfitting
        case learningRateHigh, learningRateLow

        /// The heading a learner reads.
        var title: String {
            switch self {
            case .divergence: return "the loss diverged"
            case .collapse: return "output collapse"
            case .saturatedCode: return "saturated codes"
            case .deadReLUs: return "dead ReLUs"
            case .outputMismatch: return "the output does not suit the loss"
            case .posteriorCollapse: return "posterior collapse"
            case .overfitting: return "overfitting"
            case .learningRateHigh: return "learning rate too high"
            case .learningRateLow: return "learning rate too low"
            }
        }
    }

    var kind: Kind
    var evidence: String
    var cures: [String]
}

/// The rules that turn measurements into findings. Thresholds sit well away from what the
/// lessons' healthy models measure (see Tests/SessionTests/WhyTests.swift), so that a finding
/// means something is wrong.
enum Diagnosis {
    /// Reconstructions that vary less than this share of the inputs' variation are one picture.
    static let collapseRatio = 0.1
    /// A code is saturated when at least this share of its values sit at the activation's limits.
    static let saturationShare = 0.5
    /// A ReLU layer with at least this share of units dead is named on its own. Healthy models
    /// leave many units off for good (lesson 3's cured network: 50-78% in some layers, lesson
    /// 5's: 65% in its last ReLU layer), so only a layer that is nearly all dead counts.
    static let deadShare = 0.9
    /// Images needed before a unit that never fired is called dead.
    static let minimumSampleForDeadUnits = 100
    /// With a collapse, dead units from this share on are named as its likely cause.
    static let deadShareWithCollapse = 0.2
    /// A VAE code dimension carries nothing when its KL from N(0, 1) is below this (nats), or
    /// when its mean varies less than `inactiveActivity` across images (Burda et al.'s active units).
    static let inactiveKL = 0.05
    static let inactiveActivity = 0.01

    /// The VAE code dimensions that carry nothing.
    static func inactiveDimensions(_ h: ModelHealth) -> [Int] {
        guard let kl = h.klPerDimension else { return [] }
        let activity = h.activityPerDimension ?? []
        return kl.indices.filter { j in
            kl[j] < inactiveKL || (h.sampled > 1 && j < activity.count && activity[j] < inactiveActivity)
        }
    }
    /// Output pixels outside [-0.1, 1.1] above this share, for inputs in [0, 1].
    static let outOfRangeShare = 0.05

    /// Steps before which a model that outputs about one picture has simply not started yet.
    static let earlySteps = 50

    static func findings(_ h: ModelHealth) -> [Finding] {
        var out: [Finding] = []
        let slow = learningRateLow(h)
        // A model that has barely started learning outputs about one picture too: that is the
        // slow learning rate's doing, or too few steps, not a collapse.
        let collapsed = h.sampled > 1 && h.spreadRatio < collapseRatio && slow == nil && h.steps >= earlySteps
        if let f = divergence(h) { out.append(f) }
        if collapsed {
            var evidence =
                "the reconstructions of \(h.sampled) different digits are nearly the same picture: "
                + "they vary \(ratioText(h.spreadRatio)) as much as the digits do "
                + "(variance across images \(learnerNumber(h.outputSpread)) against \(learnerNumber(h.inputSpread)))"
            if h.loss == .l1 && h.outputActivation == .linear {
                evidence += "; under L1 the best single picture is the median digit, which is almost black"
            } else {
                evidence += "; the model outputs about the average digit whatever it is shown"
            }
            out.append(Finding(kind: .collapse, evidence: evidence, cures: collapseCures(h)))
        }
        if let share = h.codeSaturation, share >= saturationShare, h.steps >= earlySteps {
            let limits = h.codeActivation == .tanh ? "-1 or 1" : "0 or 1"
            out.append(
                Finding(
                    kind: .saturatedCode,
                    evidence:
                        "\(percent(share)) of the \(h.codeActivation.rawValue) code's values sit at \(limits), "
                        + "where its gradient is nearly zero, so the encoder cannot move them",
                    cures: [
                        "a linear code (`latent N` with no activation)", "init pytorch", "a lower learning rate",
                    ]))
        }
        let deadLimit = collapsed ? deadShareWithCollapse : deadShare
        // Over a handful of images a unit is often off by chance: only a real sample counts.
        let dead =
            h.sampled < minimumSampleForDeadUnits || h.steps < earlySteps
            ? [] : h.deadUnits.filter { $0.dead > 0 && $0.share >= deadLimit }
        if !dead.isEmpty {
            let layers = dead.map {
                "line \($0.line) (\($0.text)): \($0.dead) of \($0.units) units (\(percent($0.share)))"
            }
            out.append(
                Finding(
                    kind: .deadReLUs,
                    evidence:
                        "units that output zero for all \(h.sampled) images, and so learn nothing: "
                        + layers.joined(separator: "; "),
                    cures: [
                        "init pytorch (most units start alive)", "leakyrelu instead of relu", "a lower learning rate",
                    ]
                ))
        }
        if let f = outputMismatch(h, collapsed: collapsed) { out.append(f) }
        if let kl = h.klPerDimension, !kl.isEmpty {
            let inactive = inactiveDimensions(h)
            if inactive.count * 2 > kl.count {
                let klInactive = inactive.map { kl[$0] }.reduce(0, +) / Double(inactive.count)
                out.append(
                    Finding(
                        kind: .posteriorCollapse,
                        evidence:
                            "\(inactive.count) of \(kl.count) code dimensions carry almost nothing "
                            + "(\(dimensionList(inactive))): their KL is about 0 "
                            + "(\(learnerNumber(klInactive)) nats on average), so the encoder sends about N(0, 1) "
                            + "whatever the digit, and the decoder learns to ignore them",
                        cures: [
                            "more varied training data (a decoder that can draw the data without the code ignores it)",
                            "a smaller code (as many dimensions as it uses)", "a lower learning rate",
                        ]))
            }
        }
        if let f = overfitting(h) { out.append(f) }
        if !out.contains(where: { $0.kind == .divergence }), let f = learningRateHigh(h, collapsed: collapsed) {
            out.append(f)
        }
        if let slow { out.append(slow) }
        return out
    }

    static func collapseCures(_ h: ModelHealth) -> [String] {
        var cures: [String] = []
        if h.deadUnits.contains(where: { $0.dead > 0 }) {
            cures += ["init pytorch (most units start alive)", "leakyrelu instead of relu"]
        }
        if h.codeSaturation.map({ $0 >= saturationShare }) == true {
            cures.append("a linear code (`latent N` with no activation)")
        }
        if h.loss == .l1 { cures.append("loss mse, which does not reward the median picture") }
        cures += ["a lower learning rate", "more epochs"]
        return cures
    }

    static func divergence(_ h: ModelHealth) -> Finding? {
        if case .diverged(let epoch, let batch, let step) = h.lastStop {
            return Finding(
                kind: .divergence,
                evidence:
                    "the loss became NaN or infinite at epoch \(epoch), batch \(batch) (step \(step)); "
                    + "the weights were put back to the step before",
                cures: ["a lower learning rate (a tenth of \(learnerNumber(h.learningRate)))", "init pytorch"])
        }
        // A finite loss that exploded: the last epoch far above the best one.
        let losses = h.history.map { Double($0.trainLoss) }
        if let best = losses.min(), let last = losses.last, best > 0, last > 10 * best {
            return Finding(
                kind: .divergence,
                evidence:
                    "the train loss exploded: \(learnerNumber(last)) in the last epoch against \(learnerNumber(best)) at best",
                cures: ["a lower learning rate (a tenth of \(learnerNumber(h.learningRate)))"])
        }
        return nil
    }

    static func outputMismatch(_ h: ModelHealth, collapsed: Bool) -> Finding? {
        if h.loss == .bce && h.outputActivation != .sigmoid {
            return Finding(
                kind: .outputMismatch,
                evidence:
                    "bce compares probabilities, but the last layer's output is "
                    + "\(h.outputActivation.rawValue), not sigmoid, so it is not held in [0, 1]",
                cures: ["sigmoid on the last layer (`dense 784 sigmoid`)", "loss mse"])
        }
        guard h.pixelsInUnitRange, h.outputActivation != .sigmoid else { return nil }
        let strays = h.outputOutOfRange >= outOfRangeShare
        guard strays || (collapsed && h.loss == .l1 && h.outputActivation == .linear) else { return nil }
        var evidence = "the pixels lie in [0, 1] but the last layer is \(h.outputActivation.rawValue)"
        if strays { evidence += ": \(percent(h.outputOutOfRange)) of its outputs fall outside [-0.1, 1.1]" }
        if h.loss == .l1 && h.outputActivation == .linear {
            evidence += "; a linear output under L1 can settle on the median picture"
        }
        return Finding(
            kind: .outputMismatch, evidence: evidence, cures: ["sigmoid on the last layer (`dense 784 sigmoid`)"])
    }

    static func overfitting(_ h: ModelHealth) -> Finding? {
        let tested = h.history.filter { $0.complete && $0.testLoss != nil }
        guard tested.count >= 3, let bestIndex = tested.indices.min(by: { tested[$0].testLoss! < tested[$1].testLoss! })
        else { return nil }
        let best = Double(tested[bestIndex].testLoss!), last = Double(tested.last!.testLoss!)
        let trainThen = Double(tested[bestIndex].trainLoss), trainNow = Double(tested.last!.trainLoss)
        guard bestIndex <= tested.count - 3, last > best * 1.03, trainNow < trainThen else { return nil }
        return Finding(
            kind: .overfitting,
            evidence:
                "the test loss rose from \(learnerNumber(best)) at epoch \(tested[bestIndex].epoch) to \(learnerNumber(last)) "
                + "at epoch \(tested.last!.epoch), while the train loss fell from \(learnerNumber(trainThen)) to "
                + "\(learnerNumber(trainNow)): the model is learning its training digits by heart",
            cures: ["stop earlier (fewer epochs)", "dropout 0.2 on the wide layers", "more training data"])
    }

    /// Batch losses that jump around: the median step-to-step change, relative to the median loss,
    /// over the last 100 batches of the last `train`.
    static func jumpiness(_ losses: [Double]) -> (median: Double, worst: Double)? {
        let recent = Array(losses.suffix(100))
        guard recent.count >= 20 else { return nil }
        let level = median(recent)
        guard level > 0 else { return nil }
        let changes = zip(recent, recent.dropFirst()).map { abs($1 - $0) / level }
        return (median(changes), (recent.max() ?? level) / level)
    }

    static let jumpLimit = 0.5
    static let spikeLimit = 4.0

    /// The learning rate each optimizer is usually run at; ten times it is high.
    static func usualLearningRate(_ optimizer: String) -> Double { optimizer == "sgd" ? 0.1 : 0.001 }

    static func learningRateHigh(_ h: ModelHealth, collapsed: Bool) -> Finding? {
        let usual = usualLearningRate(h.optimizer)
        if collapsed && h.learningRate >= 10 * usual {
            return Finding(
                kind: .learningRateHigh,
                evidence:
                    "\(h.optimizer) at lr \(learnerNumber(h.learningRate)) is \(learnerNumber(h.learningRate / usual)) times its usual "
                    + "\(learnerNumber(usual)), and the model collapsed: steps that large throw units dead early on",
                cures: ["a lower learning rate (\(learnerNumber(usual)))"])
        }
        guard let j = jumpiness(h.recentBatchLosses), j.median >= jumpLimit || j.worst >= spikeLimit else {
            return nil
        }
        return Finding(
            kind: .learningRateHigh,
            evidence:
                "the batch losses jump: from one batch to the next they change by \(percent(j.median)) of their "
                + "level (median of the last \(min(100, h.recentBatchLosses.count))), and the worst is "
                + String(format: "%.1f", j.worst)
                + " times the median, at \(h.optimizer) lr \(learnerNumber(h.learningRate))",
            cures: ["a lower learning rate (a tenth of \(learnerNumber(h.learningRate)))"])
    }

    /// Steps after which a loss that has barely moved is worth a word.
    static let slowSteps = 100

    static func learningRateLow(_ h: ModelHealth) -> Finding? {
        // A loss stuck at the usual rate is a stall, not slowness: only a rate well under the
        // usual one is blamed.
        guard h.learningRate <= usualLearningRate(h.optimizer) / 10, h.steps >= slowSteps, let first = h.firstLoss,
            first > 0, h.recentBatchLosses.count >= 10
        else { return nil }
        let now = h.recentBatchLosses.suffix(10).reduce(0, +) / 10
        guard now > 0.9 * first else { return nil }
        return Finding(
            kind: .learningRateLow,
            evidence:
                "in \(h.steps) steps the loss barely moved: \(learnerNumber(first)) at the start, \(learnerNumber(now)) now "
                + "(\(h.optimizer) lr \(learnerNumber(h.learningRate)))",
            cures: ["a higher learning rate (Adam's usual 0.001)", "more epochs"])
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    /// How many times as much: "0.25 times", or "less than a hundredth" below 0.01.
    static func ratioText(_ ratio: Double) -> String {
        ratio < 0.01 ? "less than a hundredth" : String(format: "%.2f times", ratio)
    }

    static func dimensionList(_ dims: [Int]) -> String {
        let shown = dims.prefix(8).map(String.init).joined(separator: ", ")
        return dims.count > 8 ? "dimensions \(shown), ..." : "dimensions \(shown)"
    }
}
