import Foundation
import XCTest

@testable import Neural
@testable import Session

/// `train`'s live display: one display updated in place at most 4 times a second, whose last
/// update holds the loss chart and the digit strip (and a 2-D code's map); `live off` and
/// text-only sinks keep the compact bar.
final class LiveTrainingTests: XCTestCase {
    static let setup = """
        small = mnist train 600 test 600
        seed 3
        model ae:
            dense 32 relu
            latent 4 tanh
            dense 784 sigmoid
        model flat:
            dense 32 relu
            latent 2
            dense 784 sigmoid
        """

    /// A clock the test moves: `wait` moves it too, and is counted.
    final class FakeClock: @unchecked Sendable {
        var now = 100.0
        var waited = 0.0
        var clock: DisplayClock {
            DisplayClock(
                now: { self.now },
                wait: {
                    self.now += $0
                    self.waited += $0
                })
        }
    }

    /// Records the clock's time at every message of the display.
    final class TimedSink: OutputSink {
        let clock: FakeClock
        var times: [Double] = []
        var last: MimeBundle?
        init(_ clock: FakeClock) { self.clock = clock }
        func stream(_ text: String, on stream: StreamName) {}
        func display(_ bundle: MimeBundle, id: String?) {
            times.append(clock.now)
            last = bundle
        }
        func update(_ bundle: MimeBundle, id: String) {
            times.append(clock.now)
            last = bundle
        }
    }

    func progress(step: Int, batchesPerEpoch: Int = 50, total: Int = 1000, loss: Float = 0.1) -> TrainingProgress {
        TrainingProgress(
            epoch: (step - 1) / batchesPerEpoch + 1, batch: (step - 1) % batchesPerEpoch + 1,
            batchesPerEpoch: batchesPerEpoch, step: step, totalSteps: total, runningLoss: loss,
            seconds: Double(step) * 0.01)
    }

    /// A trained model and its data, for the pictures alone.
    func trained(_ model: String) throws -> (TestSession, LiveTrainingPictures) {
        let t = try TestSession()
        t.run(Self.setup + "\ntrain \(model) on small epochs 1")
        let network = try XCTUnwrap(t.session.names.model(model)?.network)
        let data = try XCTUnwrap(t.session.names.data("small"))
        return (t, try XCTUnwrap(LiveTrainingPictures(network: network, data: data, name: model, loss: .mse)))
    }

    func testUpdatesAreAtLeastAQuarterSecondApartEvenAtTheEnd() throws {
        let (_, pictures) = try trained("ae")
        let fake = FakeClock()
        let sink = TimedSink(fake)
        let display = ProgressDisplay(
            output: sink, id: "d", title: "training ae", pictures: pictures, clock: fake.clock)
        // 1000 batches of 10 ms: 10 seconds.
        for step in 1...1000 {
            fake.now += 0.01
            display.tick(progress(step: step))
        }
        display.finish("done", fraction: 1)
        let gaps = zip(sink.times.dropFirst(), sink.times).map { $0 - $1 }
        XCTAssertGreaterThanOrEqual(gaps.min() ?? 0, ProgressDisplay.interval - 1e-9, "\(gaps)")
        // 10 s at 4 a second, the first display and the end (which waited its turn).
        XCTAssertLessThanOrEqual(sink.times.count, 42)
        XCTAssertGreaterThanOrEqual(sink.times.count, 38)
        XCTAssertEqual(display.sent, sink.times.count)
        XCTAssertGreaterThan(fake.waited, 0)
        XCTAssertLessThanOrEqual(fake.waited, ProgressDisplay.interval)
    }

    func testTheEndDoesNotWaitWhenTheLastUpdateIsOldEnough() throws {
        let fake = FakeClock()
        let sink = TimedSink(fake)
        let display = ProgressDisplay(output: sink, id: "d", title: "t", clock: fake.clock)
        fake.now += 1
        display.finish("done", fraction: 1)
        XCTAssertEqual(fake.waited, 0)
        XCTAssertEqual(sink.times, [100, 101])
    }

    func testTheLastUpdateHoldsTheChartAndTheStrip() throws {
        let t = try TestSession()
        t.run(Self.setup)
        t.run("train ae on small epochs 2 batch 50")
        let last = try XCTUnwrap(t.sink.lastUpdate)
        let html = try XCTUnwrap(last.data["text/html"])
        XCTAssertTrue(html.contains("loss of ae as it trains"), html)
        XCTAssertTrue(html.contains("<polyline"))
        XCTAssertTrue(html.contains("train (smoothed)"))
        XCTAssertTrue(html.contains("test, each epoch"))
        XCTAssertTrue(html.contains("8 test digits (top)"))
        XCTAssertTrue(html.contains("src=\"data:image/png;base64,"))
        XCTAssertFalse(html.contains("codes of"), "a 4-D code has no map")
        // The plain twin is the line alone, and nothing a terminal frontend would open as a picture.
        XCTAssertTrue(last.text.hasPrefix("[####################] 100% training ae on small: done"), last.text)
        XCTAssertFalse(last.text.contains("\n"))
        XCTAssertEqual(Set(last.data.keys), ["text/plain", "text/html"])
    }

    func testTheStripShowsTheReconstructionsOfNow() throws {
        let (_, pictures) = try trained("ae")
        let before = pictures.reconstructions
        XCTAssertEqual(before.count, 8 * 784)
        trainAFewSteps(pictures)
        pictures.refresh(batchesPerEpoch: 10, all: true)
        XCTAssertNotEqual(pictures.reconstructions, before)
        let png = try pictures.stripPicture()
        // Two rows of 8 digits at twice their size.
        XCTAssertGreaterThanOrEqual(png.width, 8 * 56)
        XCTAssertGreaterThanOrEqual(png.height, 2 * 56)
    }

    /// One more step of training, so that the model's outputs change.
    private func trainAFewSteps(_ pictures: LiveTrainingPictures) {
        var options = TrainingOptions()
        options.length = .steps(3)
        options.batchSize = 50
        _ = try? pictures.network.train(on: try pictures.strip.tensor, options: options)
    }

    func testATwoDimensionalCodeGetsTheMapOf500TestDigits() throws {
        let t = try TestSession()
        t.run(Self.setup)
        t.run("train flat on small epochs 1")
        let html = try XCTUnwrap(t.sink.lastUpdate?.data["text/html"])
        XCTAssertTrue(html.contains("codes of 500 test digits"), html)
        XCTAssertEqual(html.components(separatedBy: "<circle").count - 1 >= 500, true)
    }

    /// The strip and map are drawn once per look at the model, and drawn anew after the next.
    func testTheMapAndStripAreRedrawnAfterEachLook() throws {
        let (_, pictures) = try trained("flat")
        let before = pictures.html
        XCTAssertTrue(before.contains(try XCTUnwrap(pictures.codeMap()).svg))
        XCTAssertEqual(pictures.html, before)
        trainAFewSteps(pictures)
        pictures.refresh(batchesPerEpoch: 10, all: true)
        let after = pictures.html
        let map = try XCTUnwrap(pictures.codeMap()).svg
        XCTAssertFalse(before.contains(map))
        XCTAssertTrue(after.contains(map))
        let strip = Data(try pictures.stripPicture().bytes).base64EncodedString()
        XCTAssertFalse(before.contains(strip))
        XCTAssertTrue(after.contains(strip))
    }

    func testLiveOffKeepsTheCompactBar() throws {
        let t = try TestSession()
        t.run(Self.setup)
        XCTAssertEqual(t.run("live"), "live is on: train draws its loss chart, digits and code map as it trains\n")
        XCTAssertEqual(t.run("live off"), "live is off: train shows its progress bar only\n")
        t.run("train flat on small epochs 1")
        let last = try XCTUnwrap(t.sink.lastUpdate)
        let html = try XCTUnwrap(last.data["text/html"])
        XCTAssertTrue(html.contains("latent-progress"))
        XCTAssertFalse(html.contains("<svg"))
        XCTAssertFalse(html.contains("latent-live"))
        XCTAssertTrue(last.text.contains("done"))
        XCTAssertEqual(t.run("live on"), "live is on: train draws its loss chart, digits and code map as it trains\n")
        t.run("train flat epochs 1")
        XCTAssertTrue(t.sink.lastUpdate?.data["text/html"]?.contains("<svg") ?? false)
        XCTAssertTrue(t.fail("live maybe").text.contains("on or off"))
    }

    func testASinkThatShowsTextGetsTheLineOnly() throws {
        let t = try TestSession()
        t.sink.showsLivePictures = false
        t.run(Self.setup)
        t.run("train flat on small epochs 1")
        let last = try XCTUnwrap(t.sink.lastUpdate)
        XCTAssertFalse(last.data["text/html"]?.contains("<svg") ?? true)
        XCTAssertTrue(last.text.contains("training flat on small: done"))
    }

    func testTheChartFollowsEachBatchSmoothedAndEachEpochsTestLoss() throws {
        let (_, pictures) = try trained("ae")
        // Batches of losses 1, 3 (running means 1, 2), then a new epoch's first batch of 2.
        pictures.record(progress(step: 1, batchesPerEpoch: 2, total: 4, loss: 1))
        pictures.record(progress(step: 2, batchesPerEpoch: 2, total: 4, loss: 2))
        pictures.recordEpoch(
            EpochRecord(epoch: 1, trainLoss: 2, testLoss: 1.5, seconds: 1, batches: 2, complete: true, loss: .mse))
        pictures.record(progress(step: 3, batchesPerEpoch: 2, total: 4, loss: 2))
        XCTAssertEqual(pictures.trainX, [0.5, 1, 1.5])
        // Debiased exponential average of 1, 3, 2 with 0.9: 1; (0.09 + 0.3) / 0.19; ...
        let s1 = 0.1 * 1.0
        let s2 = 0.9 * s1 + 0.1 * 3
        let s3 = 0.9 * s2 + 0.1 * 2
        XCTAssertEqual(pictures.trainY[0], 1, accuracy: 1e-9)
        XCTAssertEqual(pictures.trainY[1], s2 / (1 - 0.81), accuracy: 1e-6)
        XCTAssertEqual(pictures.trainY[2], s3 / (1 - 0.729), accuracy: 1e-6)
        XCTAssertEqual(pictures.testX, [1])
        XCTAssertEqual(pictures.testY, [1.5])
        // A loss that is not finite is left out of the line.
        pictures.record(progress(step: 4, batchesPerEpoch: 2, total: 4, loss: .nan))
        XCTAssertEqual(pictures.trainY.count, 3)
    }

    func testALongRunIsDrawnWithAtMost400Points() throws {
        XCTAssertEqual(LiveTrainingPictures.thinned(5, to: 400), [0, 1, 2, 3, 4])
        let kept = LiveTrainingPictures.thinned(10_000, to: 400)
        XCTAssertEqual(kept.count, 400)
        XCTAssertEqual(kept.first, 0)
        XCTAssertEqual(kept.last, 9_999)
    }

    func testTheStripTakesDifferentDigitsFirst() {
        // The first of each label (7, 2, 1, 0, 4, 9, 5, 6), in the order of their labels.
        XCTAssertEqual(
            LiveTrainingPictures.distinctDigits([7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6], count: 8),
            [3, 2, 1, 4, 8, 11, 0, 7])
        // Fewer kinds than places: the next images fill the strip.
        XCTAssertEqual(LiveTrainingPictures.distinctDigits([3, 3, 3], count: 8), [0, 1, 2])
    }
}
