import Datasets
import XCTest

@testable import Neural

/// Training from bytes converted as batches are gathered gives the very floats, and so the very
/// model, that training from the whole set converted first gives.
final class ByteSamplesTests: XCTestCase {
    func byteSamples(_ images: LabelledImages) -> ByteSamples {
        let (base, rows) = images.storage
        return ByteSamples(
            base: base, rows: rows, count: images.count, sampleShape: [images.height, images.width, images.channels],
            owner: images.bytes)
    }

    func testGatheredBatchesAreTheConvertedPixels() throws {
        let mnist = try MNIST.load()
        let whole = Tensor(shape: [mnist.test.count, 28, 28, 1], data: mnist.test.pixels)
        let bytes = byteSamples(mnist.test)
        let indices = [9_999, 0, 17, 4_321, 17, 5_000]
        XCTAssertEqual(bytes.gathering(indices[...]), whole.gathering(indices[...]))
        XCTAssertEqual(bytes.samples(200..<1_200), whole.samples(200..<1_200))
        // A view (a slice of one label's images) gathers from the rows it picks.
        let sevens = mnist.test.subset(mnist.test.labels.indices.filter { mnist.test.labels[$0] == 7 }).slice(3..<40)
        let sevensWhole = Tensor(shape: [sevens.count, 28, 28, 1], data: sevens.pixels)
        XCTAssertEqual(byteSamples(sevens).gathering([36, 0, 5]), sevensWhole.gathering([36, 0, 5]))
        XCTAssertEqual(whole.data[(0 * 784)..<(784)].max(), 1)
    }

    func testTrainingFromBytesMatchesTrainingFromFloats() throws {
        let mnist = try MNIST.load()
        let part = mnist.train.slice(0..<2_000)
        let floats = Tensor(shape: [part.count, 28, 28, 1], data: part.pixels)
        let test = mnist.test.slice(0..<500)
        var losses: [[Float]] = []
        var weights: [[Float]] = []
        for useBytes in [false, true] {
            let model = try Autoencoder(specs: AutoencoderTests.dense002, inputShape: [28, 28, 1], seed: 3)
            let options = TrainingOptions(length: .epochs(2), batchSize: 100, loss: .mse, learningRate: 1e-3)
            let testSet: any SampleSet =
                useBytes ? byteSamples(test) : Tensor(shape: [test.count, 28, 28, 1], data: test.pixels)
            let report = try model.train(on: useBytes ? byteSamples(part) : floats, test: testSet, options: options)
            losses.append(report.records.map(\.trainLoss) + report.records.compactMap(\.testLoss))
            weights.append(model.parameters.flatMap(\.value.data))
        }
        XCTAssertEqual(losses[0], losses[1])
        XCTAssertEqual(weights[0], weights[1])
    }
}
