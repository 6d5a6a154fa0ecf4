import Neural
import XCTest

@testable import Session

/// `batchnorm` through the session: a dense model and a convolutional one train, evaluate the
/// same twice (running statistics, not the batch's), and save and load back with the same
/// running statistics and the same evaluation.
final class BatchNormSessionTests: XCTestCase {
    static let models = """
        data = mnist train 600 test 100
        model dense:
            dense 64
            batchnorm relu
            latent 8
            dense 784 sigmoid
        model conv:
            conv 4 kernel 3
            batchnorm relu momentum 0.2
            pool max 2
            flatten
            latent 8
            dense 784 sigmoid
        """

    func testTrainEvaluateSaveAndLoadBack() throws {
        let t = try TestSession()
        t.run(Self.models)
        for (name, channels) in [("dense", 64), ("conv", 4)] {
            XCTAssertTrue(t.run(name).contains("    batchnorm relu"), name)
            let summary = t.run("summary \(name)")
            XCTAssertTrue(
                summary.contains("batchnorm") && summary.contains("\(2 * channels)"), "\(name) summary:\n\(summary)")
            t.run("train \(name) on data epochs 1 batch 50")
            let entry = try XCTUnwrap(t.session.names.model(name))
            let network = try XCTUnwrap(entry.network)
            let buffers = network.buffers
            XCTAssertEqual(buffers.map(\.name), ["running_mean", "running_var"])
            XCTAssertEqual(buffers.map(\.value.shape), [[channels], [channels]])
            // Twelve steps moved the running estimates off their start (0 and 1).
            XCTAssertTrue(buffers[0].value.data.contains { $0 != 0 }, name)
            XCTAssertTrue(buffers[1].value.data.contains { $0 != 1 }, name)
            // The optimizer keeps state for the trained values only: γ and β, not the buffers.
            XCTAssertEqual(network.optimizerState?.slots.count, network.parameters.count)
            XCTAssertTrue(network.parameters.contains { $0.name == "gamma" })

            let evaluation = t.run("evaluate \(name) on data.test")
            XCTAssertEqual(t.run("evaluate \(name) on data.test"), evaluation, "evaluation is deterministic")
            // A test image's reconstruction does not depend on the batch it is in.
            let test = try XCTUnwrap(t.session.names.data("data")?.testImages).tensor
            let all = try network.reconstruct(test)
            let one = try network.reconstruct(test.samples(7..<8))
            XCTAssertEqual(one.data, Array(all.data[7 * 784..<8 * 784]))

            t.run("save \(name) \"\(name).model\"")
            t.run("load back \"\(name).model\"")
            let loaded = try XCTUnwrap(t.session.names.model("back")?.network)
            XCTAssertEqual(loaded.buffers.map(\.value), buffers.map(\.value))
            XCTAssertEqual(loaded.parameters.map(\.value), network.parameters.map(\.value))
            XCTAssertEqual(
                t.run("evaluate back on data.test"), evaluation.replacingOccurrences(of: "\(name) on", with: "back on"))
            XCTAssertEqual(try loaded.reconstruct(test).data, all.data)
        }
    }

    /// `why` looks inside a model with batchnorm as inside any other.
    func testWhyLooksInside() throws {
        let t = try TestSession()
        t.run(Self.models)
        t.run("train dense on data epochs 1 batch 50")
        XCTAssertFalse(t.run("why dense").isEmpty)
    }

    func testMistakes() throws {
        let t = try TestSession()
        let (name, text) = t.fail("model m:\n    batchnorm momentum 1\n    latent 2")
        XCTAssertEqual(name, "ValueError")
        XCTAssertTrue(text.contains("the momentum must be from 0 up to (not including) 1, not 1"), text)
        XCTAssertTrue(t.fail("model m:\n    batchnorm eps 0\n    latent 2").text.contains("eps must be greater than 0"))
        XCTAssertTrue(
            t.fail("model m:\n    batchnorm 4\n    latent 2").text.contains(
                "expected an activation (relu, sigmoid, tanh, linear, leakyrelu, elu, softplus) or momentum, eps"))
        XCTAssertTrue(
            t.run("model m:\n    batchnorm eps 1e-3 tanh\n    latent 2\n    dense 784\nm").contains(
                "    batchnorm tanh eps 0.001"))
    }
}
