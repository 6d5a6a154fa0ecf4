import Foundation
import Language
import Neural
import Pictures

extension LessonSession {
    /// `why MODEL`: the findings, or what was checked and found healthy.
    func why(_ name: Identifier) throws -> MimeBundle {
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
