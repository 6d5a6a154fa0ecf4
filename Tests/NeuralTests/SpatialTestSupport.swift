import Foundation
import Support
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

/// A dense layer's output f(x W + b) in double precision, from the layer's own weights: the
/// reference its float products are checked against.
func denseReference(_ x: [Float], batch: Int, layer: Dense, _ f: (Double) -> Double) -> [Float] {
    let inputs = layer.inputSize, units = layer.units
    let w = layer.weight.value.data, b = layer.bias.value.data
    var out = [Float](repeating: 0, count: batch * units)
    for r in 0..<batch {
        for j in 0..<units {
            var z = Double(b[j])
            for i in 0..<inputs { z += Double(x[r * inputs + i]) * Double(w[i * units + j]) }
            out[r * units + j] = Float(f(z))
        }
    }
    return out
}
