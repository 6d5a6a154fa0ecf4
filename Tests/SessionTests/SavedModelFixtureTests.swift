import Datasets
import Foundation
import Neural
import XCTest

@testable import Session

/// Models saved by an earlier Latent and committed as they were written (Fixtures/README.md
/// says how each was made): this Latent must load them, weights and all.
final class SavedModelFixtureTests: XCTestCase {
    func fixture(_ name: String) throws -> String {
        try XCTUnwrap(
            Bundle.module.url(forResource: name, withExtension: "model", subdirectory: "Fixtures"),
            "no fixture \(name).model among the test resources"
        ).path
    }

    func checksum(_ values: [Float]) -> UInt32 {
        var bytes = [UInt8]()
        bytes.reserveCapacity(4 * values.count)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        return CRC32.checksum(bytes)
    }

    /// Saved by Latent 0.1.0 in format 1: a dense model trained one epoch with seed 1.
    func testModelSavedByLatent010LoadsExactlyAsSaved() throws {
        let path = try fixture("dense-format1")
        let t = try TestSession()
        XCTAssertEqual(
            t.run("load m \"\(path)\""), "loaded m from \(path): 3 layers, trained 1 epochs, last loss 0.2161\n")
        let entry = try XCTUnwrap(t.session.names.model("m"))
        let network = try XCTUnwrap(entry.network)
        XCTAssertEqual(entry.specs.map(\.text), ["dense 16 relu", "latent 4", "dense 784 sigmoid"])
        XCTAssertEqual(entry.seed, 1)
        XCTAssertEqual(entry.settings.batch, 50)
        XCTAssertEqual(entry.epochsTrained, 1)

        // The weights and the optimizer state, bit for bit (the checksums were read from the file).
        let weights = network.parameters.flatMap(\.value.data)
        XCTAssertEqual(weights.count, 16_548)
        XCTAssertEqual(checksum(weights), 0x9EBF_4247)
        let optimizer = try XCTUnwrap(network.optimizerState)
        XCTAssertEqual(optimizer.kind.name, .adam)
        XCTAssertEqual(optimizer.step, 12)
        XCTAssertEqual(network.stepsTrained, 12)
        XCTAssertEqual(checksum(optimizer.slots.flatMap { $0.flatMap { $0 } }), 0x9D57_6E39)
        XCTAssertEqual(network.history.map(\.batches), [12])
        XCTAssertEqual(network.history.first?.trainLoss, 0.225_892_54)
        XCTAssertEqual(network.history.first?.testLoss, 0.216_123_74)

        // It reconstructs the test images exactly as it did when it was saved.
        let data = t.run("data = mnist train 600 test 100")
        XCTAssertTrue(data.hasPrefix("data: 600 train / 100 test"), data)
        XCTAssertEqual(
            t.run("evaluate m on data.test"),
            """
            m on data.test (100 images)
               mse      l1     bce  PSNR (dB)
            ---------------------------------
            0.2161  0.4549  0.6610       6.65

            """)
        let test = try XCTUnwrap(t.session.names.data("data")?.testImages).tensor
        XCTAssertEqual(try network.testLoss(on: test, loss: .mse), 0.216_123_74)
    }
}
