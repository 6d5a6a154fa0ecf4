// One training epoch of the 60,000 MNIST training images for each benchmark model, printed as
// one line per model: name, seconds per epoch, samples per second, peak memory (maxrss, MB).
// Usage: NeuralBench [dense002|deep000|vae|all|gemm] [--epochs N] [--threads N] [--bytes] | NeuralBench gather [rounds] | NeuralBench conv-layers [batches]  (bench/engine/run.sh runs it
// beside bench/engine/torch_bench.py and prints the ratios).
import CBLAS
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

/// CPU seconds used by the whole process so far (all threads).
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Matrix-product work of one training step per sample, in FLOP: forward, weight gradient and
/// input gradient (2 FLOP per multiply-add each), the first layer skipping its input gradient.
func gemmFLOPPerSample(_ model: Autoencoder) -> Double {
    var total = 0.0
    for (index, layer) in model.layers.enumerated() {
        var macs = 0
        if let dense = layer as? Dense { macs = dense.inputSize * dense.units }
        if let gaussian = layer as? GaussianLatent { macs = 2 * gaussian.inputSize * gaussian.units }
        total += Double(2 * macs) * (index == 0 ? 2 : 3)
    }
    return total
}

/// This machine's sgemm rate now, in GFLOP/s: square products of 1024 on OpenBLAS's threads.
func measuredGEMMRate() -> Double {
    let n = 1024
    let a = [Float](repeating: 0.5, count: n * n), b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    var best = 0.0
    for _ in 0..<5 {
        let start = Date()
        for _ in 0..<4 {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0,
                &c, Int32(n))
        }
        best = max(best, 4 * 2 * Double(n * n * n) / Date().timeIntervalSince(start) / 1e9)
    }
    return best
}

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "conv-layers" {
    // `NeuralBench conv-layers [batches]` times the seed-002 conv model's spatial layers alone
    // (bench/engine-conv/run.sh).
    try runConvLayerBenchmark(batches: arguments.dropFirst().first.flatMap { Int($0) } ?? 30)
    exit(0)
}
let which = arguments.first ?? "all"
if which == "gather" {
    try runGatherBenchmark(rounds: arguments.dropFirst().first.flatMap { Int($0) } ?? 5)
    exit(0)
}
// --bytes: train from the shared cache's bytes, converted as batches are gathered (as the kernel does).
let fromBytes = arguments.contains("--bytes")
if which == "first-layer" {
    // `NeuralBench first-layer [units]`: a 784->units relu layer's forward and weight gradient on
    // real MNIST batches of 200 (bench/engine/first_layer.sh runs it with the sparse path on and off).
    try runFirstLayerBenchmark(units: arguments.dropFirst().first.flatMap { Int($0) } ?? 512)
    exit(0)
}
let epochs = arguments.firstIndex(of: "--epochs").flatMap { Int(arguments[$0 + 1]) } ?? 1
if let threads = arguments.firstIndex(of: "--threads").flatMap({ Int32(arguments[$0 + 1]) }) {
    // The engine's compute team reads this when it starts (OpenBLAS stays at one thread).
    setenv("LATENT_THREADS", String(threads), 1)
}

// The seed-002 conv model (bench/engine-conv/run.sh, see ConvBenchmark.swift):
// `NeuralBench conv-train [batches]` times the real training loop, `conv-layers [batches]` the
// spatial layers alone.
if which == "conv-train" || which == "conv-layers" {
    let batches = arguments.dropFirst().first.flatMap { Int($0) } ?? 30
    do {
        if which == "conv-train" {
            try runConvTrainingBenchmark(batches: batches)
        } else {
            try runConvLayerBenchmark(batches: batches)
        }
    } catch {
        print("NeuralBench failed: \(error)")
        exit(1)
    }
    exit(0)
}

do {
    let mnist = try MNIST.load()
    let train = Tensor(shape: [mnist.train.count, 28, 28, 1], data: mnist.train.pixels)
    let test = Tensor(shape: [mnist.test.count, 28, 28, 1], data: mnist.test.pixels)
    if which == "gemm" {
        // The machine's rate on the same number of threads: OpenBLAS's own threading, square 1024.
        openblas_set_num_threads(getenv("LATENT_THREADS").flatMap { Int32(String(cString: $0)) } ?? 2)
        print(String(format: "gemm gflops=%.1f", measuredGEMMRate()))
        exit(0)
    }
    for model in models where which == "all" || which == model.name {
        let autoencoder = try Autoencoder(specs: model.specs, inputShape: [28, 28, 1], seed: 1)
        let options = TrainingOptions(
            length: .epochs(epochs), batchSize: model.batch, loss: model.loss, learningRate: 1e-3,
            testsEachEpoch: false)
        let start = Date()
        let cpuStart = processCPUSeconds()
        let report = try autoencoder.train(on: fromBytes ? byteSamples(mnist.train) : train, options: options)
        let seconds = Date().timeIntervalSince(start) / Double(epochs)
        let cpuSeconds = (processCPUSeconds() - cpuStart) / Double(epochs)
        let testLoss = try autoencoder.testLoss(on: test, loss: model.loss)
        print(
            String(
                format:
                    "%@ seconds_per_epoch=%.3f cpu_seconds=%.3f samples_per_second=%.0f peak_mb=%.0f gflop_per_epoch=%.1f train_loss=%.4f test_loss=%.4f",
                model.name, seconds, cpuSeconds, Double(train.batch) / seconds, peakMemoryMB(),
                gemmFLOPPerSample(autoencoder) * Double(train.batch) / 1e9,
                report.records.last!.trainLoss, testLoss))
    }
} catch {
    print("NeuralBench failed: \(error)")
    exit(1)
}
