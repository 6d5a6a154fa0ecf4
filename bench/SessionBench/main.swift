// SessionBench: the session's own costs, printed as JSON for bench/session/run.sh.
//   SessionBench cell [iterations]   parse + dispatch of a typical 20-line cell (median, microseconds)
//   SessionBench mnist               one cold load of the bundled MNIST from its gzip files (seconds)
//   SessionBench why [runs]          lesson 2's dense model: one training epoch on MNIST against one
//                                    `why` (the look `train` takes after every run), best of `runs`
import Datasets
import Foundation
import Language
import Session

/// A typical lesson cell: data parts, a model block, settings, values and session statements,
/// all of which run without training (what is measured is the language, not the engine).
let typicalCell = """
    # a typical cell: define, look, tidy up
    digits = small.test[0:16]
    threes = small.train[label 3][0:8]
    model ae:
        dense 250 relu
        latent 16 tanh
        dense 320 relu
        dense 784 sigmoid
    model deep:
        dense 512 relu dropout 0.2
        latent 11
        dense 784
    seed 7
    print "ready:" digits.count threes.count
    small.count
    digits.count
    who
    delete threes
    help seed
    digits
    """

final class NullSink: OutputSink {
    var bytes = 0
    func stream(_ text: String, on stream: StreamName) { bytes += text.utf8.count }
    func display(_ bundle: MimeBundle, id: String?) { bytes += bundle.text.utf8.count }
    func update(_ bundle: MimeBundle, id: String) {}
}

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s[s.count / 2]
}

let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "cell"

switch mode {
case "why":
    // The look after `train` against the training it follows: both on lesson 2's model and data.
    let runs = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
    let session = LessonSession()
    let sink = NullSink()
    let setup = """
        data = mnist
        seed 2
        model ae:
            dense 250 relu
            latent 16
            dense 320 relu
            dense 784 sigmoid
        """
    guard case .ok = session.execute(setup, output: sink) else { fatalError("could not set up") }
    var trainTimes = [Double](), whyTimes = [Double]()
    for _ in 0..<runs {
        var start = now()
        guard case .ok = session.execute("train ae on data epochs 1", output: sink) else { fatalError("train") }
        trainTimes.append(now() - start)
        start = now()
        guard case .ok = session.execute("why ae", output: sink) else { fatalError("why") }
        whyTimes.append(now() - start)
    }
    print("{\"train_epoch_seconds\": \(trainTimes.min()!), \"why_seconds\": \(whyTimes.min()!)}")
case "mnist":
    let start = now()
    let split = try MNIST.load()
    let seconds = now() - start
    print("{\"mnist_load_seconds\": \(seconds), \"train\": \(split.train.count), \"test\": \(split.test.count)}")
default:
    let iterations = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000
    let lines = typicalCell.split(separator: "\n").count
    let session = LessonSession()
    let sink = NullSink()
    guard case .ok = session.execute("small = mnist train 600 test 100", output: sink) else {
        fatalError("could not load MNIST")
    }
    var parseTimes = [Double](), executeTimes = [Double]()
    for _ in 0..<iterations {
        var start = now()
        let parsed = Parser(typicalCell).parse()
        parseTimes.append(now() - start)
        precondition(parsed.diagnostics.isEmpty, "the benchmark cell does not parse")
        start = now()
        let outcome = session.execute(typicalCell, output: sink)
        executeTimes.append(now() - start)
        if case .error(_, let message, _) = outcome { fatalError(message) }
    }
    print(
        "{\"lines\": \(lines), \"iterations\": \(iterations), \"parse_us\": \(median(parseTimes) * 1e6), "
            + "\"parse_and_dispatch_us\": \(median(executeTimes) * 1e6)}")
}
