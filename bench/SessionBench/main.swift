// SessionBench: the session's own costs, printed as JSON for bench/session/run.sh.
//   SessionBench cell [iterations]   parse + dispatch of a typical 20-line cell (median, microseconds)
//   SessionBench mnist               one cold load of the bundled MNIST from its gzip files (seconds)
//   SessionBench why [runs]          lesson 2's dense model: one training epoch on MNIST against one
//                                    `why` (the look `train` takes after every run), best of `runs`
//   SessionBench live [runs] [train] [epochs] [code]
//                                    `train`'s live display against its compact bar: a model like
//                                    lesson 2's (with a `code`-D code; 2 adds the code map) trained
//                                    `epochs` epochs on `train` MNIST images with `live on` and
//                                    `live off`, alternating, best of `runs` each, and the updates
//                                    sent in a run
//   SessionBench autosave [runs] [train] [epochs]
//                                    lesson 2's dense model trained `epochs` epochs on `train` MNIST
//                                    images with autosave on and with it off, alternating, best of
//                                    `runs` each: the time until `train` returns, each trial starting
//                                    once the writes of the one before are on the disk; and
//                                    autosave's own work (session thread and the writer's CPU) as a
//                                    share of the training time
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
    var updates = 0
    var updateBytes = 0
    func stream(_ text: String, on stream: StreamName) { bytes += text.utf8.count }
    func display(_ bundle: MimeBundle, id: String?) { bytes += bundle.text.utf8.count }
    func update(_ bundle: MimeBundle, id: String) {
        updates += 1
        updateBytes += bundle.data.values.reduce(0) { $0 + $1.utf8.count }
    }
}

/// Lesson 2's dense model as a cell defines it, with a `code`-D linear code.
func lessonTwoModel(code: Int = 16) -> String {
    """
    model ae:
        dense 250 relu
        latent \(code)
        dense 320 relu
        dense 784 sigmoid
    """
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
        \(lessonTwoModel())
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
case "live":
    // The live display's cost: the same training with it on and off, alternating so that both
    // see the same load on the machine; the best of each.
    let runs = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
    let trainCount = arguments.count > 3 ? Int(arguments[3]) ?? 60000 : 60000
    let epochs = arguments.count > 4 ? Int(arguments[4]) ?? 1 : 1
    let code = arguments.count > 5 ? Int(arguments[5]) ?? 16 : 16
    let session = LessonSession()
    let sink = NullSink()
    let setup = """
        data = mnist train \(trainCount) test 10000
        seed 2
        \(lessonTwoModel(code: code))
        live off
        train ae on data steps 20
        """
    guard case .ok = session.execute(setup, output: sink) else { fatalError("could not set up") }
    var on = [Double](), off = [Double]()
    var updates = 0, updateBytes = 0
    var drawing = 0.0
    for run in 0..<runs {
        for live in run % 2 == 0 ? [true, false] : [false, true] {
            guard case .ok = session.execute(live ? "live on" : "live off", output: sink) else { fatalError("live") }
            let (updatesBefore, bytesBefore, drawingBefore) = (
                sink.updates, sink.updateBytes, session.liveDrawingSeconds
            )
            let start = now()
            guard case .ok = session.execute("train ae epochs \(epochs)", output: sink) else { fatalError("train") }
            let seconds = now() - start
            if live {
                on.append(seconds)
                updates += sink.updates - updatesBefore
                updateBytes += sink.updateBytes - bytesBefore
                drawing += session.liveDrawingSeconds - drawingBefore
            } else {
                off.append(seconds)
            }
        }
    }
    let (bestOn, bestOff) = (on.min()!, off.min()!)
    let fields: [(String, Double)] = [
        ("train_images", Double(trainCount)), ("epochs", Double(epochs)), ("code", Double(code)),
        ("runs", Double(runs)), ("live_off_seconds", bestOff), ("live_on_seconds", bestOn),
        ("ratio", bestOn / bestOff), ("updates_per_run", Double(updates) / Double(runs)),
        ("bytes_per_update", updates > 0 ? Double(updateBytes) / Double(updates) : 0),
        ("drawing_seconds_per_run", drawing / Double(runs)), ("drawing_share", drawing / Double(runs) / bestOff),
    ]
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
case "autosave":
    // Autosave's cost: the same training with it on and off, alternating so that both see the
    // same load on the machine; the best of each.
    let runs = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
    let trainCount = arguments.count > 3 ? Int(arguments[3]) ?? 60000 : 60000
    let epochs = arguments.count > 4 ? Int(arguments[4]) ?? 2 : 2
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("latent-bench-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let session = LessonSession(
        autosave: AutosaveLocation(base: folder, notebook: "bench.ipynb", kernel: nil))
    let sink = NullSink()
    let setup = """
        data = mnist train \(trainCount) test 1000
        seed 2
        \(lessonTwoModel())
        train ae on data epochs 1
        """
    guard case .ok = session.execute(setup, output: sink) else { fatalError("could not set up") }
    session.finishAutosave(timeout: 60)
    var on = [Double](), off = [Double]()
    var spent = AutosaveStatistics()
    for run in 0..<runs {
        for autosave in run % 2 == 0 ? [true, false] : [false, true] {
            guard case .ok = session.execute(autosave ? "autosave on" : "autosave off", output: sink) else {
                fatalError("autosave")
            }
            session.finishAutosave(timeout: 60)
            let before = session.autosaveStatistics
            let start = now()
            guard case .ok = session.execute("train ae epochs \(epochs)", output: sink) else { fatalError("train") }
            let seconds = now() - start
            // The last write finishes in the background as the next cell runs; the next trial
            // starts only once it is on the disk (and its cost is counted below).
            session.finishAutosave(timeout: 60)
            let after = session.autosaveStatistics
            if autosave {
                on.append(seconds)
                spent.writes += after.writes - before.writes
                spent.writeSeconds += after.writeSeconds - before.writeSeconds
                spent.writerCPUSeconds += after.writerCPUSeconds - before.writerCPUSeconds
                spent.sessionSeconds += after.sessionSeconds - before.sessionSeconds
            } else {
                off.append(seconds)
            }
        }
    }
    let (bestOn, bestOff) = (on.min()!, off.min()!)
    // Autosave's own work, against the training it goes with: the session thread's time in it
    // and the writer's CPU time, per run, over the best time without autosave.
    let work = (spent.sessionSeconds + spent.writerCPUSeconds) / Double(runs)
    let fields: [(String, Double)] = [
        ("train_images", Double(trainCount)), ("epochs", Double(epochs)), ("runs", Double(runs)),
        ("autosave_off_seconds", bestOff), ("autosave_on_seconds", bestOn), ("ratio", bestOn / bestOff),
        ("writes_per_run", Double(spent.writes) / Double(runs)),
        ("seconds_per_write", spent.writes > 0 ? spent.writeSeconds / Double(spent.writes) : 0),
        ("session_seconds_per_run", spent.sessionSeconds / Double(runs)),
        ("writer_cpu_seconds_per_run", spent.writerCPUSeconds / Double(runs)), ("work_share", work / bestOff),
    ]
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
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
