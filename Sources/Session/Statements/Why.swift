import Foundation
import Language
import Neural
import Pictures

/// `why MODEL`: what looks wrong with a model, with the evidence and what to try.
struct Why: SessionStatement {
    static let keyword = "why"
    static let model = Slot.model()
    static let grammar = Grammar(parts: [model])
    static let help = StatementHelp(
        .training,
        """
        looks inside a trained model and says what looks wrong, with the numbers it saw and
        the cures the lessons teach. It passes the first 500 test images (training images when there is
        no test split) through the model once, and reads what training recorded. It looks for:

        | finding | what it means | what it measures |
        | --- | --- | --- |
        | output collapse | the reconstructions of different digits are nearly one picture (the mean or the median digit) | how much the reconstructions vary from image to image, against how much the images do: under a tenth |
        | saturated codes | a `tanh` or `sigmoid` code sits at its limits, where it cannot learn | the share of code values beyond ±0.99 (tanh) or outside [0.01, 0.99] (sigmoid): half or more |
        | dead ReLUs | units that output zero for every image, and so learn nothing | per `relu` layer, units (channels) zero for all 500 images: 90% or more (healthy models leave many units off), or a fifth with a collapse |
        | the loss diverged | NaN or an exploding loss, with the epoch and batch | how the last `train` ended; the last epoch's loss against the best |
        | the output does not suit the loss | `bce` on an output that is not `sigmoid`; a linear output straying outside the pixels' [0, 1] | the last layer's activation; the share of outputs outside [-0.1, 1.1]: 5% or more |
        | posterior collapse | a VAE whose code dimensions carry nothing (KL about 0) | per dimension, the mean KL from N(0, 1): under 0.05 nats (or a mean that varies by less than 0.01 across images) for more than half of them |
        | overfitting | the test loss rising while the train loss falls | the epoch table: the best test loss two or more epochs back, and 3% lower than now |
        | learning rate too high | the batch losses jump around | over the last 100 batches, the median change from one batch to the next: half the loss or more, or a batch at 4 times the median |
        | learning rate too low | the loss has barely moved | at a rate a tenth of the usual one or less (Adam and RMSprop 0.001, SGD 0.1), after 100 steps or more, the last 10 batches' loss still above 90% of the first 10 batches' |

        A healthy model gets "nothing looks wrong" and the numbers behind it. In the first 50 steps
        every model outputs about one picture, so collapse, saturation and dead units are not judged
        before then.
        """, examples: ["why ae"])

    let model: Identifier

    static func parse(_ line: inout StatementReader) throws -> Why { Why(model: try line.read(model)) }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.why(model) }
}

extension StatementContext {
    /// `why MODEL`: the findings, or what was checked and found healthy.
    fileprivate func why(_ name: Identifier) throws -> MimeBundle {
        let entry = try lookUpModel(name)
        guard let network = entry.network, network.stepsTrained > 0, entry.trainedOn != nil else {
            throw Diagnostic(
                "\(entry.name) has not been trained yet, so there is nothing to look at", range: name.range,
                kind: .value, expected: "train \(entry.name) on DATA epochs N first")
        }
        let health: ModelHealth
        do {
            health = try HealthMeasurement.measure(entry, network)
        } catch {
            throw Diagnostic("cannot look inside \(entry.name): \(error)", range: name.range, kind: .value)
        }
        return findingsBundle(entry.name, Diagnosis.findings(health), health: health)
    }

    /// The findings for a model just trained (none for a model not built yet).
    func diagnose(_ entry: ModelEntry) throws -> [Finding] {
        guard let network = entry.network else { return [] }
        return Diagnosis.findings(try HealthMeasurement.measure(entry, network))
    }

    /// Findings as text and HTML; with none, `health` says what was checked.
    func findingsBundle(_ name: String, _ findings: [Finding], health: ModelHealth?) -> MimeBundle {
        var lines: [String] = []
        var html = "<div class=\"latent-why\" style=\"border-left:4px solid #d9822b;padding:2px 10px\">"
        if findings.isEmpty {
            let checked = health.map(checkedText) ?? ""
            lines.append("why \(name): nothing looks wrong." + (checked.isEmpty ? "" : " " + checked))
            html =
                "<div class=\"latent-why\" style=\"border-left:4px solid #2ca02c;padding:2px 10px\">"
                + "<b>why \(markupEscaped(name))</b>: nothing looks wrong. \(markupEscaped(checked))"
        } else {
            let count = findings.count == 1 ? "one thing looks wrong" : "\(findings.count) things look wrong"
            lines.append("why \(name): \(count)")
            html += "<b>why \(markupEscaped(name))</b>: \(count)<ul style=\"margin:4px 0\">"
            for f in findings {
                lines.append("- \(f.kind.title): \(f.evidence).")
                lines.append("  try: " + f.cures.joined(separator: "; "))
                html +=
                    "<li><b>\(markupEscaped(f.kind.title))</b>: \(codeMarked(f.evidence)).<br>"
                    + "<i>try</i>: \(codeMarked(f.cures.joined(separator: "; ")))</li>"
            }
            html += "</ul>"
        }
        html += "</div>"
        return MimeBundle(data: ["text/plain": lines.joined(separator: "\n"), "text/html": html])
    }

    /// "Checked on 500 test images: ..." — the numbers behind a clean bill.
    func checkedText(_ h: ModelHealth) -> String {
        var parts = [
            "the reconstructions vary \(Diagnosis.ratioText(h.spreadRatio)) as much as the digits do"
        ]
        if let s = h.codeSaturation { parts.append("\(Diagnosis.percent(s)) of the code sits at its limits") }
        if let worst = h.deadUnits.max(by: { $0.share < $1.share }) {
            parts.append(
                "at most \(Diagnosis.percent(worst.share)) of a ReLU layer's units are dead (line \(worst.line))")
        }
        if let kl = h.klPerDimension, let low = kl.min(), let high = kl.max() {
            let active = kl.count - Diagnosis.inactiveDimensions(h).count
            parts.append(
                "\(active) of \(kl.count) code dimensions carry information (KL \(learnerNumber(low)) to "
                    + "\(learnerNumber(high)) nats)")
        }
        var text = "Checked on \(h.sampled) images: " + parts.joined(separator: "; ") + "."
        if h.steps < Diagnosis.earlySteps {
            text += " After \(h.steps) steps it is too early to tell a collapse from a model that has not started."
        }
        return text
    }
}

/// Escaped for HTML, with `code` between backticks set as code (the plain text keeps the backticks).
func codeMarked(_ text: String) -> String {
    let parts = markupEscaped(text).split(separator: "`", omittingEmptySubsequences: false)
    guard parts.count >= 3, parts.count % 2 == 1 else { return markupEscaped(text) }
    return parts.enumerated().map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }.joined()
}
