import Foundation
import Neural
import Pictures

/// The one display a training run updates in place: epoch, batch, loss and time left, as an
/// HTML bar with a plain-text twin, at most four times a second.
final class ProgressDisplay {
    let output: OutputSink
    let id: String
    let title: String
    private var lastUpdate: Double = -1
    /// Share of the planned steps done at the last batch, for an honest bar when training stops early.
    private(set) var fractionDone = 0.0
    static let interval = 0.25

    init(output: OutputSink, id: String, title: String) {
        self.output = output
        self.id = id
        self.title = title
        output.display(bundle(text: "\(title): starting", fraction: 0), id: id)
    }

    /// Called after every batch; sends an update when a quarter second has passed.
    func tick(_ p: TrainingProgress) {
        fractionDone = p.totalSteps > 0 ? Double(p.step) / Double(p.totalSteps) : 0
        guard p.seconds - lastUpdate >= ProgressDisplay.interval else { return }
        lastUpdate = p.seconds
        output.update(bundle(for: p), id: id)
    }

    func finish(_ text: String, fraction: Double) {
        output.update(bundle(text: "\(title): \(text)", fraction: fraction), id: id)
    }

    func bundle(for p: TrainingProgress) -> MimeBundle {
        let fraction = p.totalSteps > 0 ? Double(p.step) / Double(p.totalSteps) : 0
        let left = p.step > 0 ? p.seconds / Double(p.step) * Double(p.totalSteps - p.step) : 0
        let text =
            "\(title): epoch \(p.epoch), batch \(p.batch)/\(p.batchesPerEpoch), loss \(learnerNumber(Double(p.runningLoss))), "
            + "\(Self.duration(left)) left"
        return bundle(text: text, fraction: fraction)
    }

    func bundle(text: String, fraction: Double) -> MimeBundle {
        let percent = Int((max(0, min(1, fraction)) * 100).rounded())
        let filled = percent / 5
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]"
        let html =
            "<div class=\"latent-progress\"><div style=\"width:320px;height:10px;background:#e5e5e5;border-radius:3px\">"
            + "<div style=\"width:\(percent)%;height:10px;background:#4a7fd6;border-radius:3px\"></div></div>"
            + "<div style=\"font-family:var(--jp-code-font-family,monospace);font-size:var(--jp-code-font-size,13px)\">"
            + "\(markupEscaped(text))</div></div>"
        return MimeBundle(data: ["text/plain": "\(bar) \(percent)% \(text)", "text/html": html])
    }

    /// 75 -> "1 min 15 s"
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
    }
}
