import Foundation

/// Axis ticks at round numbers: steps of 1, 2 or 5 times a power of ten, about `target` of them,
/// covering the data range; with `integer`, steps are whole numbers.
public struct NiceTicks: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var step: Double
    public var values: [Double]

    public init(min low: Double, max high: Double, target: Int = 5, integer: Bool = false) {
        var lo = low.isFinite ? low : 0
        var hi = high.isFinite ? high : 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 * Swift.max(1, abs(hi)) {
            // A flat series still gets an axis around its value.
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let raw = (hi - lo) / Double(Swift.max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        // Whole-number axes (epochs) never get ticks between the numbers.
        step = integer ? Swift.max(1, (nice * magnitude).rounded()) : nice * magnitude
        lower = floor(lo / step + 1e-9) * step
        upper = ceil(hi / step - 1e-9) * step
        var ticks = [Double]()
        var k = 0
        while true {
            let v = lower + Double(k) * step
            if v > upper + step * 1e-6 { break }
            ticks.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        values = ticks
    }

    /// A tick label with just enough decimals for the step (0.25 → "0.25", 2000 → "2000").
    public func label(_ value: Double) -> String {
        let decimals = Swift.max(0, -Int(floor(log10(step) + 1e-9)))
        if abs(value) >= 1e5 || (abs(value) < 1e-3 && value != 0) {
            return String(format: "%.1e", value)
        }
        return String(format: "%.\(decimals)f", value)
    }
}
