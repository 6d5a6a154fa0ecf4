import Datasets
import Foundation
import Neural
import Support

/// A model's first layer on real MNIST batches of 200: forward, then backward with its input
/// gradient skipped (as in training), 300 batches (one epoch). Prints `first-layer-ms` per batch.
/// With LATENT_SPARSE_INPUT=off the products go through sgemm instead of skipping zero pixels.
func runFirstLayerBenchmark(units: Int, batches: Int = 300) throws {
    let mnist = try MNIST.load()
    let layer = Dense(units: units, activation: .relu)
    layer.computesInputGradient = false
    try layer.build(inputShape: [784], initializer: .glorotUniform, rng: SeededGenerator(seed: 1))
    let context = ForwardContext(training: true, rng: SeededGenerator(seed: 2))
    let gradient = Tensor(shape: [200, units], data: (0..<(200 * units)).map { Float($0 % 7) * 0.01 - 0.03 })
    var best = Double.infinity
    for _ in 0..<3 {
        let start = DispatchTime.now().uptimeNanoseconds
        for b in 0..<batches {
            let low = (b * 200) % (mnist.train.count - 200)
            let x = Tensor(shape: [200, 784], data: Array(mnist.train.pixels[(low * 784)..<((low + 200) * 784)]))
            _ = try layer.forward(x, context: context)
            _ = try layer.backward(gradient)
        }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(batches))
    }
    print(String(format: "first-layer units=%d ms_per_batch=%.4f", units, best))
}
