// Latent's side of bench/pictures/run.sh: times t-SNE, KernelPCA and a 10x10 digit-grid encode on
// the bundled MNIST test digits and prints one "case seconds" line each (plus a quality figure).
// Usage: PicturesBench [tsne N] [kpca N] [grid]
import Datasets
import Foundation
import Pictures

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU seconds of the whole process (all threads).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// CPU seconds of the calling thread: stable when other processes share the cores.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Fraction of points whose nearest neighbour in the layout has the same label.
func neighbourAgreement(_ y: [Float], labels: [UInt8]) -> Double {
    let n = labels.count
    var agree = 0
    for i in 0..<n {
        var best = Float.infinity
        var bestJ = i
        for j in 0..<n where j != i {
            let dx = y[2 * i] - y[2 * j]
            let dy = y[2 * i + 1] - y[2 * j + 1]
            let d = dx * dx + dy * dy
            if d < best {
                best = d
                bestJ = j
            }
        }
        if labels[bestJ] == labels[i] { agree += 1 }
    }
    return Double(agree) / Double(n)
}

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty { arguments = ["tsne", "5000", "kpca", "3000", "grid"] }
let test = try MNIST.load().test
var index = 0
while index < arguments.count {
    switch arguments[index] {
    case "tsne":
        let n = Int(arguments[index + 1]) ?? 5000
        index += 2
        let digits = test.slice(0..<n)
        var result: TSNE.Result?
        let cpu = processCPUSeconds()
        let time = try seconds { result = try TSNE().fit(digits.pixels, count: n, features: digits.imageSize) }
        print(
            String(
                format: "tsne-%d wall=%.3f cpu=%.3f agreement=%.3f kl=%.3f", n, time, processCPUSeconds() - cpu,
                neighbourAgreement(result!.embedding, labels: digits.labels), result!.divergence))
    case "kpca":
        let n = Int(arguments[index + 1]) ?? 3000
        index += 2
        let digits = test.slice(0..<n)
        let cpu = processCPUSeconds()
        let time = try seconds {
            _ = try KernelPCA(components: 2).fit(digits.pixels, count: n, features: digits.imageSize)
        }
        print(String(format: "kpca-%d wall=%.3f cpu=%.3f", n, time, processCPUSeconds() - cpu))
    case "grid":
        index += 1
        let digits = test.slice(0..<100)
        let labels = digits.labels.map { String($0) }
        let grid = DigitGrid()
        _ = try grid.png(pixels: digits.pixels, count: 100, labels: labels)  // warm up
        let repeats = 50
        var bytes = 0
        let cpuStart = threadCPUSeconds()
        let time = try seconds {
            for _ in 0..<repeats { bytes = try grid.png(pixels: digits.pixels, count: 100, labels: labels).bytes.count }
        }
        let cpu = (threadCPUSeconds() - cpuStart) / Double(repeats)
        let raster = try grid.render(pixels: digits.pixels, count: 100, labels: labels)
        let renderCPU = threadCPUSeconds()
        for _ in 0..<repeats { _ = try grid.render(pixels: digits.pixels, count: 100, labels: labels) }
        let render = (threadCPUSeconds() - renderCPU) / Double(repeats)
        print(
            String(
                format: "grid-10x10 wall=%.5f cpu=%.5f render=%.5f bytes=%d size=%dx%d", time / Double(repeats), cpu,
                render,
                bytes,
                raster.width, raster.height))
    default:
        print("unknown case \(arguments[index]); use tsne N, kpca N, grid")
        exit(2)
    }
}
