import Foundation
import Neural
import Pictures

/// The one display a training run updates in place, at most four times a second: epoch, batch,
/// loss and time left, as an HTML bar with a plain-text twin; and, live, the pictures of
/// `LiveTrainingPictures` under the bar. The last update (`finish`) holds everything, so that
/// it is what a saved notebook keeps.
final class ProgressDisplay {
    let output: OutputSink
    let id: String
    let title: String
    /// Nil for the compact bar alone (`live off`, or a sink that shows text only).
    let pictures: LiveTrainingPictures?
    let clock: DisplayClock
    /// When the display was last sent; the next is sent no sooner than `interval` after it.
    private var lastSent: Double
    private var batchesPerEpoch = 1
    /// Share of the planned steps done at the last batch, for an honest bar when training stops early.
    private(set) var fractionDone = 0.0
    /// Messages sent for this display (the first `display` and every `update`).
    private(set) var sent = 0
    /// Time spent looking at the model and drawing for the updates (`make bench` weighs it
    /// against the training).
    private(set) var drawingSeconds = 0.0
    static let interval = 0.25

    init(
        output: OutputSink, id: String, title: String, pictures: LiveTrainingPictures? = nil,
        clock: DisplayClock = .monotonic
    ) {
        self.output = output
        self.id = id
        self.title = title
        self.pictures = pictures
        self.clock = clock
        lastSent = 0
        output.display(bundle(text: "\(title): starting", fraction: 0), id: id)
        lastSent = clock.now()
        sent = 1
    }

    /// Called after every batch; sends an update when a quarter second has passed.
    func tick(_ p: TrainingProgress) {
        fractionDone = p.totalSteps > 0 ? Double(p.step) / Double(p.totalSteps) : 0
        batchesPerEpoch = p.batchesPerEpoch
        pictures?.record(p)
        guard clock.now() - lastSent >= Self.interval else { return }
        send {
            self.pictures?.refresh(batchesPerEpoch: p.batchesPerEpoch); return self.bundle(for: p)
        }
    }

    /// Called after every complete epoch (its test loss goes on the chart).
    func epochEnded(_ record: EpochRecord) {
        pictures?.recordEpoch(record)
    }

    /// The last update: everything looked at now. It waits out the quarter second since the
    /// one before, so that even the end keeps to four updates a second.
    func finish(_ text: String, fraction: Double) {
        let wait = Self.interval - (clock.now() - lastSent)
        if wait > 0 { clock.wait(wait) }
        send {
            self.pictures?.refresh(batchesPerEpoch: self.batchesPerEpoch, all: true)
            return self.bundle(text: "\(self.title): \(text)", fraction: fraction)
        }
    }

    /// Sends what `make` looks at and draws, and counts the time that took.
    private func send(_ make: () -> MimeBundle) {
        let start = clock.now()
        let bundle = make()
        drawingSeconds += clock.now() - start
        output.update(bundle, id: id)
        lastSent = clock.now()
        sent += 1
    }

    func bundle(for p: TrainingProgress) -> MimeBundle {
        let fraction = p.totalSteps > 0 ? Double(p.step) / Double(p.totalSteps) : 0
        let left = p.step > 0 ? p.seconds / Double(p.step) * Double(p.totalSteps - p.step) : 0
        let text =
            "\(title): epoch \(p.epoch), batch \(p.batch)/\(p.batchesPerEpoch), loss \(learnerNumber(Double(p.runningLoss))), "
            + "\(Self.duration(left)) left"
        return bundle(text: text, fraction: fraction)
    }

    /// The bar and its line; live, the pictures under them. `text/plain` is the line alone,
    /// which is what a terminal frontend (`jupyter console`) prints; there is no `image/*` part,
    /// which such a frontend would open in a window of its own.
    func bundle(text: String, fraction: Double) -> MimeBundle {
        let percent = Int((max(0, min(1, fraction)) * 100).rounded())
        let filled = percent / 5
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "]"
        let live: String = pictures.map { "<div class=\"latent-live\">" + $0.html + "</div>" } ?? ""
        let html =
            "<div class=\"latent-progress\"><div style=\"width:320px;height:10px;background:#e5e5e5;border-radius:3px\">"
            + "<div style=\"width:\(percent)%;height:10px;background:#4a7fd6;border-radius:3px\"></div></div>"
            + "<div style=\"font-family:var(--jp-code-font-family,monospace);font-size:var(--jp-code-font-size,13px)\">"
            + "\(markupEscaped(text))</div>\(live)</div>"
        return MimeBundle(data: ["text/plain": "\(bar) \(percent)% \(text)", "text/html": html])
    }

    /// 75 -> "1 min 15 s"
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
    }
}

/// The time a display goes by, in seconds; tests give one they move themselves.
struct DisplayClock: Sendable {
    var now: @Sendable () -> Double
    var wait: @Sendable (Double) -> Void

    /// Seconds since it was made, by the monotonic clock.
    static var monotonic: DisplayClock {
        let start = ContinuousClock.now
        return DisplayClock(
            now: {
                let d = ContinuousClock.now - start
                return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            },
            wait: { Thread.sleep(forTimeInterval: $0) })
    }
}
