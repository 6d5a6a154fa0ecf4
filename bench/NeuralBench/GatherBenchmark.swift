import Datasets
import Foundation
import Neural

/// MNIST images as the kernel trains on them: bytes of the shared cache, gathered into Float32
/// batches as training goes.
func byteSamples(_ images: LabelledImages) -> ByteSamples {
    let (base, rows) = images.storage
    return ByteSamples(
        base: base, rows: rows, count: images.count, sampleShape: [images.height, images.width, images.channels],
        owner: images.bytes)
}

/// `NeuralBench gather [rounds]`: one epoch's mini-batches of 200 (a shuffled order of the 60,000
/// training images) gathered from Float32 pixels and from the cache's bytes, best of `rounds`
/// each, alternating; bench/datacache/run.sh sets the difference beside a dense002 epoch.
func runGatherBenchmark(rounds: Int) throws {
    let mnist = try MNIST.load()
    let floats = Tensor(shape: [mnist.train.count, 28, 28, 1], data: mnist.train.pixels)
    let bytes = byteSamples(mnist.train)
    var generator = SystemRandomNumberGenerator()
    let order = Array(0..<mnist.train.count).shuffled(using: &generator)
    func epoch(_ set: any SampleSet) -> Double {
        let start = Date()
        var checksum: Float = 0
        for low in stride(from: 0, to: order.count, by: 200) {
            checksum += set.gathering(order[low..<min(low + 200, order.count)]).data[0]
        }
        precondition(checksum.isFinite)
        return Date().timeIntervalSince(start)
    }
    var best = (floats: Double.infinity, bytes: Double.infinity)
    for _ in 0..<rounds {
        best.floats = min(best.floats, epoch(floats))
        best.bytes = min(best.bytes, epoch(bytes))
    }
    print(String(format: "gather floats_seconds=%.4f bytes_seconds=%.4f", best.floats, best.bytes))
}
