import Support
import XCTest

@testable import Neural

/// Central finite differences against `backward`, for any layer. The scalar checked is
/// L = Σ y ⊙ R + (auxiliary loss), with R fixed random weights, so dL/dy = R.
struct GradientCheck {
    var step: Float = 3e-3
    var absoluteTolerance: Float = 4e-3
    var relativeTolerance: Float = 2e-2

    /// Checks dL/dx and dL/dθ of `layer` at a random input; `training` turns dropout and
    /// sampling on (their draws are replayed identically for every evaluation). `prepare` may
    /// set the built layer's values (drawing from the generator it is given) before the check.
    func check(
        _ layer: Layer, inputShape: [Int], batch: Int = 3, training: Bool = false, seed: UInt64 = 11,
        inputRange: ClosedRange<Float> = -1...1, prepare: (Layer, SeededGenerator) -> Void = { _, _ in },
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let rng = SeededGenerator(seed: seed)
        try layer.build(inputShape: inputShape, initializer: .glorotUniform, rng: rng)
        // Non-zero biases, so that bias gradients are checked away from a special point.
        for p in layer.parameters where p.name.hasSuffix("bias") {
            p.value.data = p.value.data.map { _ in (rng.nextUniform() - 0.5) * 0.2 }
        }
        prepare(layer, rng)
        let count = batch * inputShape.reduce(1, *)
        let span = inputRange.upperBound - inputRange.lowerBound
        var x = Tensor(
            shape: [batch] + inputShape, data: (0..<count).map { _ in inputRange.lowerBound + rng.nextUniform() * span }
        )
        let outputShape = [batch] + (try layer.outputShape(for: inputShape))
        let r = Tensor(shape: outputShape, data: (0..<outputShape.reduce(1, *)).map { _ in rng.nextNormal() })
        let drawState = rng.state

        func loss(_ input: Tensor) throws -> Double {
            let context = ForwardContext(training: training, rng: SeededGenerator(state: drawState)!)
            let y = try layer.forward(input, context: context)
            var total = zip(y.data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            total += Double((layer as? AuxiliaryLossLayer)?.auxiliaryLoss ?? 0)
            return total
        }

        _ = try loss(x)
        for p in layer.parameters { p.grad = Tensor(zeros: p.value.shape) }
        let dx = try layer.backward(r)
        XCTAssertEqual(dx.shape, x.shape, "input gradient shape", file: file, line: line)

        func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
            let n = Float(numeric)
            let tolerance = absoluteTolerance + relativeTolerance * abs(n)
            XCTAssertLessThanOrEqual(
                abs(analytic - n), tolerance, "\(layer.description) \(what): backward \(analytic), numeric \(n)",
                file: file, line: line)
        }
        for i in probeIndices(x.count) {
            let original = x.data[i]
            x.data[i] = original + step
            let plus = try loss(x)
            x.data[i] = original - step
            let minus = try loss(x)
            x.data[i] = original
            compare(dx.data[i], (plus - minus) / Double(2 * step), "dL/dx[\(i)]")
        }
        for p in layer.parameters {
            let analytic = p.grad
            for i in probeIndices(p.value.count) {
                let original = p.value.data[i]
                p.value.data[i] = original + step
                let plus = try loss(x)
                p.value.data[i] = original - step
                let minus = try loss(x)
                p.value.data[i] = original
                compare(analytic.data[i], (plus - minus) / Double(2 * step), "dL/d\(p.name)[\(i)]")
            }
        }
    }

    /// Up to 40 indices spread over 0..<count.
    func probeIndices(_ count: Int) -> [Int] {
        count <= 40 ? Array(0..<count) : (0..<40).map { $0 * count / 40 + ($0 % 3) }
    }
}
