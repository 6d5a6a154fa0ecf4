import Datasets
import Foundation
import Neural
import Support

/// Seed 002's conv model: 4c5-pool-8c5-pool-150-16 tanh / 120-320-784-reshape-up-8c5-up-4c6-1c7 sigmoid.
let seed002ConvModel: [LayerSpec] = [
    .conv(filters: 4, kernel: 5, stride: 1, padding: .same, activation: .relu), .pool(kind: .max, size: 2),
    .conv(filters: 8, kernel: 5, stride: 1, padding: .same, activation: .relu), .pool(kind: .max, size: 2), .flatten,
    .dense(units: 150, activation: .relu, dropout: nil),
    .latent(units: 16, activation: .tanh, kind: .plain, sparsity: .none),
    .dense(units: 120, activation: .relu, dropout: nil), .dense(units: 320, activation: .relu, dropout: nil),
    .dense(units: 784, activation: .relu, dropout: nil), .reshape(shape: [7, 7, 16]), .upsample(factor: 2),
    .conv(filters: 8, kernel: 5, stride: 1, padding: .same, activation: .relu), .upsample(factor: 2),
    .conv(filters: 4, kernel: 6, stride: 1, padding: .same, activation: .relu),
    .conv(filters: 1, kernel: 7, stride: 1, padding: .same, activation: .sigmoid),
]

/// The seed-002 conv model trained by the real training loop (Autoencoder.train: shuffled
/// mini-batches of the 60,000 MNIST training images, batch 200, MSE, Adam 1e-3, Glorot-uniform),
/// for `batches` steps; prints the time per batch, the epoch (300 batches) extrapolation, the
/// last running loss and the peak resident memory.
func runConvTrainingBenchmark(batches: Int) throws {
    let mnist = try MNIST.load()
    let train = Tensor(shape: [mnist.train.count, 28, 28, 1], data: mnist.train.pixels)
    let model = try Autoencoder(specs: seed002ConvModel, inputShape: [28, 28, 1], seed: 2)
    // One warm-up step (first-touch allocations, OpenBLAS thread start), not timed.
    try model.train(on: train, options: TrainingOptions(length: .steps(1), testsEachEpoch: false))
    var loss: Float = 0
    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = processCPUSeconds()
    try model.train(on: train, options: TrainingOptions(length: .steps(batches), testsEachEpoch: false)) {
        loss = $0.runningLoss
        return true
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print(String(format: "conv-train-per-batch-ms %.3f", seconds / Double(batches) * 1000))
    print(String(format: "conv-train-epoch-seconds %.3f", seconds / Double(batches) * 300))
    // CPU time (all threads) says how much work a batch is, whatever else the machine runs.
    print(String(format: "conv-train-cpu-per-batch-ms %.3f", (processCPUSeconds() - cpuStart) / Double(batches) * 1000))
    print(String(format: "conv-train-last-loss %.5f", loss))
    print(String(format: "conv-train-peak-rss-mb %.0f", peakMemoryMB()))
}

/// The spatial layers of the seed-002 conv model, timed on real MNIST at batch 200: the
/// encoder's conv/pool stack on the images, the decoder's upsample/conv stack on a
/// (200, 7, 7, 16) code, forward and backward, with a plain SGD step on the kernels.
/// Dense layers, activations, loss and Adam are left out (they are engine-core's and are
/// timed by its benchmark), so the PyTorch side (bench/engine-conv/conv_torch.py) times exactly
/// the same layers. Prints one line per figure: `name seconds`.
func runConvLayerBenchmark(batches: Int, batchSize: Int = 200) throws {
    let mnist = try MNIST.load()
    let encoder: [Layer] = [
        Conv2D(filters: 4, kernel: 5), Pool2D(kind: .max, size: 2), Conv2D(filters: 8, kernel: 5),
        Pool2D(kind: .max, size: 2),
    ]
    let decoder: [Layer] = [
        Upsample2D(factor: 2), Conv2D(filters: 8, kernel: 5), Upsample2D(factor: 2), Conv2D(filters: 4, kernel: 6),
        Conv2D(filters: 1, kernel: 7),
    ]
    let rng = SeededGenerator(seed: 2)
    var shape = [28, 28, 1]
    for layer in encoder {
        try layer.build(inputShape: shape, initializer: .glorotUniform, rng: rng)
        shape = try layer.outputShape(for: shape)
    }
    shape = [7, 7, 16]
    for layer in decoder {
        try layer.build(inputShape: shape, initializer: .glorotUniform, rng: rng)
        shape = try layer.outputShape(for: shape)
    }
    // As a model runs them: each "upsample, conv" pair as one convolution of the small image.
    Autoencoder.fuseAdjacentLayers(decoder)
    let context = ForwardContext(training: true, rng: rng)
    let code = Tensor(shape: [batchSize, 7, 7, 16], data: (0..<(batchSize * 784)).map { _ in rng.nextUniform() })
    var perLayer = [String: Double]()
    func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        perLayer[name, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return result
    }
    func pass(_ layers: [Layer], _ input: Tensor, tag: String) throws {
        var x = input
        for (i, layer) in layers.enumerated() {
            x = try timed("\(tag)\(i) \(layer.description) fwd") { try layer.forward(x, context: context) }
        }
        var g = x
        for (i, layer) in layers.enumerated().reversed() {
            g = try timed("\(tag)\(i) \(layer.description) bwd") { try layer.backward(g) }
        }
        for layer in layers {
            for p in layer.parameters {
                for i in p.value.data.indices { p.value.data[i] -= 1e-6 * p.grad.data[i] }
                p.grad = Tensor(zeros: p.value.shape)
            }
        }
    }
    let imageSize = 784
    let start = DispatchTime.now().uptimeNanoseconds
    for b in 0..<batches {
        let low = (b * batchSize) % (mnist.train.count - batchSize + 1)
        let images = Tensor(
            shape: [batchSize, 28, 28, 1],
            data: Array(mnist.train.pixels[(low * imageSize)..<((low + batchSize) * imageSize)]))
        try pass(encoder, images, tag: "enc")
        try pass(decoder, code, tag: "dec")
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    for (name, t) in perLayer.sorted(by: { $0.key < $1.key }) {
        print(
            String(format: "layer %@ %.4f", name.replacingOccurrences(of: " ", with: "_"), t / Double(batches) * 1000))
    }
    print(String(format: "conv-layers-per-batch-ms %.3f", seconds / Double(batches) * 1000))
    print(String(format: "conv-layers-epoch-seconds %.3f", seconds / Double(batches) * 300))
}
