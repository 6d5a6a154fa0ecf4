// NeuralBench: `NeuralBench conv-layers [batches]` times the seed-002 conv model's spatial layers
// (bench/engine-conv/run.sh).
let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "conv-layers":
    try runConvLayerBenchmark(batches: arguments.dropFirst().first.flatMap { Int($0) } ?? 30)
default:
    print("NeuralBench: usage: NeuralBench conv-layers [batches]")
}
