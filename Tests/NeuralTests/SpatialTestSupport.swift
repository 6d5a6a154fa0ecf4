import Foundation
import XCTest

@testable import Neural

/// One reference case from Tests/NeuralTests/Reference/conv_*.json (see scripts/reference/conv_reference.py).
struct SpatialReferenceCase: Decodable {
    let name: String
    let filters: Int?
    let kernel: Int?
    let stride: Int?
    let padding: String?
    let kind: String?
    let size: Int?
    let factor: Int?
    let input_shape: [Int]
    let input: [Float]
    let weight_shape: [Int]?
    let weight: [Float]?
    let bias: [Float]?
    let output_shape: [Int]
    let output: [Float]
    let upstream: [Float]
    let input_grad: [Float]
    let weight_grad: [Float]?
    let bias_grad: [Float]?
}

struct SpatialReferenceFile: Decodable {
    let cases: [SpatialReferenceCase]
}

func loadSpatialReference(_ name: String) throws -> [SpatialReferenceCase] {
    let url = try XCTUnwrap(
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Reference"),
        "missing Reference/\(name).json; run scripts/reference/conv_reference.py")
    return try JSONDecoder().decode(SpatialReferenceFile.self, from: Data(contentsOf: url)).cases
}

/// Asserts |actual - expected| <= absolute + relative * |expected| element-wise.
func assertClose(
    _ actual: [Float], _ expected: [Float], absolute: Float, relative: Float, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "\(what): sizes differ", file: file, line: line)
    guard actual.count == expected.count else { return }
    var worst: Float = 0, worstAt = 0
    for i in actual.indices {
        let excess = abs(actual[i] - expected[i]) - (absolute + relative * abs(expected[i]))
        if excess > worst || !actual[i].isFinite {
            worst = actual[i].isFinite ? excess : .infinity
            worstAt = i
        }
    }
    XCTAssertLessThanOrEqual(
        worst, 0, "\(what): element \(worstAt) is \(actual[worstAt]), expected \(expected[worstAt])",
        file: file, line: line)
}

func randomTensor(_ shape: [Int], rng: SeededGenerator, scale: Float = 1) -> Tensor {
    Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() * scale })
}

func evaluationContext() -> ForwardContext {
    ForwardContext(training: true, rng: SeededGenerator(seed: 1))
}

/// Finite-difference check of a layer's input and parameter gradients for the scalar loss
/// L = sum(forward(x) * g) with a fixed random g: central differences (in Double for the loss)
/// against what `backward` returns and accumulates. At most `samples` entries of each tensor
/// are probed (spread evenly), so large cases stay quick.
func checkGradients(
    of layer: Layer, inputShape: [Int], batch: Int = 2, seed: UInt64 = 7, step: Float = 1e-2,
    tolerance: Float = 2e-3, samples: Int = 60, file: StaticString = #filePath, line: UInt = #line
) throws {
    let rng = SeededGenerator(seed: seed)
    try layer.build(inputShape: inputShape, initializer: .glorotUniform, rng: rng)
    // Non-zero biases, so that their gradients are exercised away from a special point.
    for p in layer.parameters { p.value.data = p.value.data.map { $0 + rng.nextNormal() * 0.1 } }
    let x = randomTensor([batch] + inputShape, rng: rng)
    let context = evaluationContext()
    let y = try layer.forward(x, context: context)
    let g = randomTensor(y.shape, rng: rng)
    for p in layer.parameters { p.grad = Tensor(zeros: p.value.shape) }
    let dx = try layer.backward(g)
    XCTAssertEqual(dx.shape, x.shape, "input gradient shape", file: file, line: line)

    func loss(_ input: Tensor) throws -> Double {
        let out = try layer.forward(input, context: context)
        var sum = 0.0
        for i in out.data.indices { sum += Double(out.data[i]) * Double(g.data[i]) }
        return sum
    }
    func probe(_ count: Int) -> [Int] {
        count <= samples ? Array(0..<count) : (0..<samples).map { $0 * count / samples }
    }
    func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
        let scale = max(1, abs(analytic))
        XCTAssertLessThanOrEqual(
            abs(Double(analytic) - numeric), Double(tolerance * scale),
            "\(layer.description) \(what): backward says \(analytic), finite differences \(numeric)",
            file: file, line: line)
    }
    for i in probe(x.count) {
        var plus = x, minus = x
        plus.data[i] += step
        minus.data[i] -= step
        let numeric = (try loss(plus) - loss(minus)) / Double(2 * step)
        compare(dx.data[i], numeric, "d input[\(i)]")
    }
    for p in layer.parameters {
        let analytic = p.grad
        for i in probe(p.value.count) {
            let saved = p.value.data[i]
            p.value.data[i] = saved + step
            let up = try loss(x)
            p.value.data[i] = saved - step
            let down = try loss(x)
            p.value.data[i] = saved
            compare(analytic.data[i], (up - down) / Double(2 * step), "d \(p.name)[\(i)]")
        }
    }
}
