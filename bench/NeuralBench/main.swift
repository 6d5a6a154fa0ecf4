// One training epoch of the 60,000 MNIST training images for each benchmark model, printed as
// one line per model: name, seconds per epoch, samples per second, peak memory (maxrss, MB).
// Usage: NeuralBench [dense002|deep000|vae|all] [--epochs N] | NeuralBench conv-layers [batches]  (bench/engine/run.sh runs it
// beside bench/engine/torch_bench.py and prints the ratios).
import Datasets
import Foundation
import Neural

let models: [(name: String, specs: [LayerSpec], batch: Int, loss: LossKind)] = [
    (
        "dense002",
        [
            .dense(units: 250, activation: .relu, dropout: nil),
            .latent(units: 16, activation: .tanh, kind: .plain, sparsity: .none),
            .dense(units: 320, activation: .relu, dropout: nil),
            .dense(units: 784, activation: .sigmoid, dropout: nil),
        ], 200, .mse
    ),
    (
        "deep000",
        [
            .dense(units: 512, activation: .relu, dropout: 0.2),
            .dense(units: 256, activation: .relu, dropout: 0.2),
            .dense(units: 128, activation: .relu, dropout: 0.2),
            .latent(units: 11, activation: .linear, kind: .plain, sparsity: .none),
            .dense(units: 128, activation: .relu, dropout: 0.2),
            .dense(units: 256, activation: .relu, dropout: 0.2),
            .dense(units: 512, activation: .relu, dropout: 0.2),
            .dense(units: 784, activation: .linear, dropout: nil),
        ], 200, .l1
    ),
    (
        "vae",
        [
            .dense(units: 400, activation: .relu, dropout: nil),
            .latent(units: 20, activation: .linear, kind: .gaussian, sparsity: .none),
            .dense(units: 400, activation: .relu, dropout: nil),
            .dense(units: 784, activation: .sigmoid, dropout: nil),
        ], 128, .bce
    ),
]

func peakMemoryMB() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports kilobytes
}

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "conv-layers" {
    // `NeuralBench conv-layers [batches]` times the seed-002 conv model's spatial layers alone
    // (bench/engine-conv/run.sh).
    try runConvLayerBenchmark(batches: arguments.dropFirst().first.flatMap { Int($0) } ?? 30)
    exit(0)
}
let which = arguments.first { !$0.hasPrefix("--") } ?? "all"
let epochs = arguments.firstIndex(of: "--epochs").flatMap { Int(arguments[$0 + 1]) } ?? 1

do {
    let mnist = try MNIST.load()
    let train = Tensor(shape: [mnist.train.count, 28, 28, 1], data: mnist.train.pixels)
    let test = Tensor(shape: [mnist.test.count, 28, 28, 1], data: mnist.test.pixels)
    for model in models where which == "all" || which == model.name {
        let autoencoder = try Autoencoder(specs: model.specs, inputShape: [28, 28, 1], seed: 1)
        let options = TrainingOptions(
            length: .epochs(epochs), batchSize: model.batch, loss: model.loss, learningRate: 1e-3,
            testsEachEpoch: false)
        let start = Date()
        let report = try autoencoder.train(on: train, options: options)
        let seconds = Date().timeIntervalSince(start) / Double(epochs)
        let testLoss = try autoencoder.testLoss(on: test, loss: model.loss)
        print(
            String(
                format: "%@ seconds_per_epoch=%.3f samples_per_second=%.0f peak_mb=%.0f train_loss=%.4f test_loss=%.4f",
                model.name, seconds, Double(train.batch) / seconds, peakMemoryMB(),
                report.records.last!.trainLoss, testLoss))
    }
} catch {
    print("NeuralBench failed: \(error)")
    exit(1)
}
