import Neural
import XCTest

@testable import Session

/// `why` and the look after every `train`: each pitfall the lessons teach, reproduced by a small
/// script, is named with its numbers; healthy models get no word.
final class WhyTests: XCTestCase {
    /// What a fresh session prints for `script`.
    func output(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try TestSession().run(script, file: file, line: line)
    }

    /// Lesson 2's dense shape, 784-250-CODE / CODE-320-784, with the code and output lines given.
    func denseModel(_ name: String, code: String = "latent 16", output: String = "dense 784 sigmoid") -> String {
        "model \(name):\n    dense 250 relu\n    \(code)\n    dense 320 relu\n    \(output)"
    }

    func testTheOldFirstCellIsDiagnosedAsSaturatedCodes() throws {
        let out = try output(
            """
            data = mnist train 6000 test 1000
            \(denseModel("ae", code: "latent 16 tanh"))
            train ae on data epochs 3
            """)
        XCTAssertTrue(out.contains("why ae:"), out)
        XCTAssertTrue(out.contains("saturated codes: 100% of the tanh code's values sit at -1 or 1"), out)
        XCTAssertTrue(out.contains("output collapse"), out)
        XCTAssertTrue(out.contains("a linear code"), out)
    }

    func testAHealthyModelGetsNoWordAfterTrainingAndAReportOnDemand() throws {
        let t = try TestSession()
        let out = t.run(
            """
            data = mnist train 6000 test 1000
            seed 2
            \(denseModel("ae"))
            train ae on data epochs 3
            """)
        XCTAssertFalse(out.contains("why ae"), out)
        let why = t.run("why ae")
        XCTAssertTrue(why.hasPrefix("why ae: nothing looks wrong. Checked on 500 images:"), why)
        XCTAssertTrue(why.contains("times as much as the digits do"), why)
    }

    func testDivergenceNamesTheStep() throws {
        let out = try output(
            """
            data = mnist train 6000 test 1000
            \(denseModel("ae", output: "dense 784"))
            train ae on data epochs 2 optimizer sgd lr 100
            """)
        XCTAssertNotNil(
            out.range(
                of: #"the loss diverged: the loss became NaN or infinite at epoch 1, batch \d+ \(step \d+\)"#,
                options: .regularExpression), out)
        XCTAssertTrue(out.contains("a lower learning rate (a tenth of 100)"), out)
    }

    func testBCEOnALinearOutput() throws {
        let out = try output(
            """
            data = mnist train 2000 test 500
            \(denseModel("ae", output: "dense 784"))
            train ae on data epochs 1 loss bce
            """)
        XCTAssertTrue(out.contains("the output does not suit the loss: bce compares probabilities"), out)
        XCTAssertTrue(out.contains("sigmoid on the last layer"), out)
    }

    func testALearningRateTooLowAndTooHigh() throws {
        let t = try TestSession()
        let slow = t.run(
            """
            data = mnist train 6000 test 1000
            \(denseModel("slow"))
            train slow on data epochs 2 batch 50 lr 0.0000003
            """)
        XCTAssertTrue(slow.contains("learning rate too low: in 240 steps the loss barely moved"), slow)
        XCTAssertFalse(slow.contains("output collapse"), "a slow start is not a collapse:\n\(slow)")
        let fast = t.run(
            """
            \(denseModel("fast"))
            train fast on data epochs 3 lr 0.05
            """)
        XCTAssertTrue(fast.contains("learning rate too high: adam at lr 0.05 is 50 times its usual 0.001"), fast)
        XCTAssertTrue(fast.contains("output collapse"), fast)
        XCTAssertTrue(fast.contains("dead ReLUs"), fast)
    }

    func testOverfittingAndJumpyLosses() throws {
        let out = try output(
            """
            data = mnist train 50 test 500
            model ae:
                dense 2000 relu
                latent 256
                dense 2000 relu
                dense 784
            train ae on data epochs 100 batch 5 lr 0.003
            """)
        XCTAssertNotNil(
            out.range(
                of: #"overfitting: the test loss rose from [0-9.]+ at epoch \d+ to [0-9.]+ at epoch 100"#,
                options: .regularExpression), out)
        XCTAssertTrue(out.contains("learning rate too high: the batch losses jump"), out)
    }

    func testPosteriorCollapseOfAVAEThatNeedsNoCode() throws {
        let out = try output(
            """
            data = mnist train 1000 test 200
            model vae:
                dense 400 relu
                latent 20 gaussian
                dense 400 relu
                dense 784 sigmoid
            train vae on data.train[0:1] epochs 1500 loss bce
            """)
        XCTAssertTrue(out.contains("posterior collapse: 20 of 20 code dimensions carry almost nothing"), out)
        XCTAssertFalse(out.contains("dead ReLUs"), "one image is too few to call a unit dead:\n\(out)")
    }

    func testWhyOnAnUntrainedModelOrAnUnknownNameIsAClearError() throws {
        let t = try TestSession()
        t.run("model m:\n    dense 16 relu\n    latent 2\n    dense 784 sigmoid")
        let before = t.fingerprint
        let untrained = t.fail("why m")
        XCTAssertTrue(untrained.text.contains("m has not been trained yet"), untrained.text)
        let typo = t.fail("why mm")
        XCTAssertTrue(typo.text.contains("m"), typo.text)
        XCTAssertEqual(t.fingerprint, before)
    }

    // The rules on their own, with made-up measurements.

    func testRulesOnMeasurements() {
        var healthy = ModelHealth()
        healthy.sampled = 500
        healthy.steps = 90
        healthy.inputSpread = 0.06
        healthy.outputSpread = 0.03
        healthy.deadUnits = [.init(line: 1, text: "dense 250 relu", dead: 60, units: 250)]
        XCTAssertEqual(Diagnosis.findings(healthy), [])

        var collapsed = healthy
        collapsed.outputSpread = 0.0001
        XCTAssertEqual(Diagnosis.findings(collapsed).map(\.kind), [.collapse, .deadReLUs])
        collapsed.steps = 10
        XCTAssertEqual(Diagnosis.findings(collapsed), [], "ten steps in, every model outputs about one picture")

        var overfit = healthy
        overfit.history = [(0.05, 0.06), (0.03, 0.05), (0.02, 0.052), (0.01, 0.056)].enumerated().map {
            EpochRecord(
                epoch: $0.offset + 1, trainLoss: $0.element.0, testLoss: $0.element.1, seconds: 1, batches: 30,
                complete: true, loss: .mse)
        }
        XCTAssertEqual(Diagnosis.findings(overfit).map(\.kind), [.overfitting])
        overfit.history[3].testLoss = 0.0505  // within 3% of the best: noise, not a trend
        XCTAssertEqual(Diagnosis.findings(overfit), [])

        var vae = healthy
        vae.klPerDimension = [0.5, 0.01, 0.02, 0.001]
        vae.activityPerDimension = [0.3, 0.0, 0.0, 0.0]
        XCTAssertEqual(Diagnosis.findings(vae).map(\.kind), [.posteriorCollapse])
        vae.klPerDimension = [0.5, 0.4, 0.02, 0.001]
        vae.activityPerDimension = [0.3, 0.2, 0.0, 0.0]
        XCTAssertEqual(Diagnosis.findings(vae), [], "half the dimensions in use is not a collapse")
    }

    func testBatchLossesAreRecoveredFromRunningMeans() {
        var trace = TrainingTrace()
        trace.begin()
        let losses: [Float] = [4, 2, 3, 1, 5, 5, 5, 5, 5, 5, 5]
        var running: Float = 0
        for (i, loss) in losses.enumerated() {
            running = (running * Float(i) + loss) / Float(i + 1)
            trace.record(runningLoss: running, batch: i + 1)
        }
        XCTAssertEqual(trace.recentBatchLosses.count, losses.count)
        for (got, want) in zip(trace.recentBatchLosses, losses) { XCTAssertEqual(got, Double(want), accuracy: 1e-4) }
        XCTAssertEqual(trace.firstLoss ?? 0, 4.0, accuracy: 1e-4)
    }

    func testCodeBetweenBackticksIsSetAsCodeInHTML() {
        XCTAssertEqual(
            codeMarked("a linear code (`latent N`) & more"), "a linear code (<code>latent N</code>) &amp; more")
        XCTAssertEqual(codeMarked("an odd ` backtick"), "an odd ` backtick")
    }
}
