// NeuralBench: `NeuralBench conv-train [batches]` times the seed-002 conv model's real training
// loop; `NeuralBench conv-layers [batches]` its spatial layers alone, layer by layer
// (both run by bench/engine-conv/run.sh).
let arguments = CommandLine.arguments.dropFirst()
let batches = arguments.dropFirst().first.flatMap { Int($0) }
switch arguments.first {
case "conv-train":
    try runConvTrainingBenchmark(batches: batches ?? 30)
case "conv-layers":
    try runConvLayerBenchmark(batches: batches ?? 30)
default:
    print("NeuralBench: usage: NeuralBench conv-train|conv-layers [batches]")
}
