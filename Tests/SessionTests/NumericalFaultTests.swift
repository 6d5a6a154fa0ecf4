import XCTest

@testable import Session

/// A learning rate that diverges is explained, the weights go back to the last good step, and
/// nothing downstream shows a NaN: not `who`, not a picture, not a chart.
final class NumericalFaultTests: XCTestCase {
    func testADivergingRateIsExplainedAndLeavesNoNaN() throws {
        let t = try TestSession()
        t.run("small = mnist train 1000 test 100\nmodel ae:\n    dense 64 relu\n    latent 8\n    dense 784")
        let trained = t.run("train ae on small epochs 3 lr 1000 optimizer sgd")
        XCTAssertTrue(
            trained.contains(
                "the loss became NaN or infinite at step 4 (epoch 1, batch 4); the weights from the step before are back in place. A smaller learning rate usually helps"
            ),
            trained)
        XCTAssertTrue(trained.contains("try: a lower learning rate (a tenth of 1000)"), trained)
        let weights = try XCTUnwrap(t.session.names.model("ae")?.network?.parameters)
        XCTAssertTrue(weights.allSatisfy { $0.value.data.allSatisfy(\.isFinite) })
        for code in [
            "who", "ae", "print ae.loss", "reconstruct ae small.test[0:4]", "plot ae", "generate ae 4", "why ae",
        ] {
            t.sink.displays = []
            let text = t.run(code)
            // Every text a display carries (a PNG's base64 could spell "nan" by chance).
            let shown = text + t.sink.displays.flatMap { $0.data.filter { $0.key != "image/png" }.values }.joined()
            // The explanation names NaN; a number shown as one is what must never appear.
            let numbers = shown.replacingOccurrences(of: "NaN or infinite", with: "").lowercased()
            XCTAssertNil(
                numbers.range(of: "(?<![a-z])nan(?![a-z])", options: .regularExpression),
                "\(code) shows a NaN:\n\(shown.prefix(500))")
        }
    }
}
