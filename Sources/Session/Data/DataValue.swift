import Datasets
import Foundation

/// A dataset in the session: a train/test split (from `mnist`, `idx ... test ...`) or one set of
/// images (a split's `.train`, a slice, a label filter).
enum DataValue {
    case split(TrainTestSplit)
    case images(LabelledImages)

    /// The images a model trains on.
    var trainImages: LabelledImages {
        switch self {
        case .split(let s): return s.train
        case .images(let i): return i
        }
    }

    /// The images a test loss is measured on, if there is a held-out part.
    var testImages: LabelledImages? {
        if case .split(let s) = self { return s.test }
        return nil
    }

    /// Why the images are not shared with other kernels, when they are not (see `ImageCache`),
    /// the first time this kernel loads them.
    func takeStorageNotes() -> [String] {
        let notes = ([trainImages] + (testImages.map { [$0] } ?? [])).compactMap { $0.bytes.takeNote() }
        return notes.enumerated().filter { !notes[..<$0.offset].contains($0.element) }.map(\.element)
    }

    var imageShape: (height: Int, width: Int, channels: Int) {
        let i = trainImages
        return (i.height, i.width, i.channels)
    }

    /// "60,000 train / 10,000 test images" or "16 images".
    var sizeText: String {
        switch self {
        case .split(let s): return "\(grouped(s.train.count)) train / \(grouped(s.test.count)) test images"
        case .images(let i): return i.count == 1 ? "1 image" : "\(grouped(i.count)) images"
        }
    }

    var shapeText: String {
        let s = imageShape
        return "\(s.height)x\(s.width)x\(s.channels)"
    }

    /// A few lines for a learner: sizes, image shape, value range, labels.
    func describe(name: String) -> String {
        var lines = ["\(name): \(sizeText) of \(shapeText)"]
        func stats(_ images: LabelledImages, _ part: String) {
            guard images.count > 0 else {
                lines.append("  \(part)no images")
                return
            }
            guard let (lo, hi) = images.pixelRange else { return }
            var counts = [Int](repeating: 0, count: 256)
            for l in images.labels { counts[Int(l)] += 1 }
            let present = counts.indices.filter { counts[$0] > 0 }
            let labelText =
                present.count <= 12
                ? present.map { "\($0): \(grouped(counts[$0]))" }.joined(separator: ", ")
                : "\(present.count) different labels"
            lines.append("  \(part)pixel values from \(learnerNumber(Double(lo))) to \(learnerNumber(Double(hi)))")
            lines.append("  \(part)labels \(labelText)")
        }
        switch self {
        case .split(let s):
            stats(s.train, "train: ")
            stats(s.test, "test:  ")
        case .images(let i):
            stats(i, "")
        }
        return lines.joined(separator: "\n")
    }
}

/// 60000 -> "60,000".
func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

/// A number as the session shows it to a learner (losses, learning rates, epochs, in messages
/// and tables): whole numbers as they are, else up to 4 decimals with no trailing zeros, and
/// 1.000e-04 style below 0.001 or from a million up. Charts' summaries use Pictures'
/// `summaryNumber` (four significant digits), axes `NiceTicks.label`, and a number echoed back
/// from a learner's code Language's `numberAsWritten`.
func learnerNumber(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    if v == v.rounded() && abs(v) < 1e12 { return String(Int(v)) }
    if abs(v) < 1e-3 || abs(v) >= 1e6 {
        return String(format: "%.3e", v)
    }
    var s = String(format: "%.4f", v)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}
