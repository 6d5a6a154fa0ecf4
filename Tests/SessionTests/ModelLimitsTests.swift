import Language
import Neural
import XCTest

@testable import Session

final class ModelLimitsTests: XCTestCase {
    /// What the session counts before building (to refuse models that are too large) is what the
    /// engine builds, layer kind by layer kind.
    func testParameterCountOfEveryKindMatchesTheBuiltModel() throws {
        let specs: [LayerSpec] = [
            .conv(filters: 4, kernel: 3, stride: 1, padding: .same, activation: .relu),
            .batchnorm(),
            .pool(kind: .max, size: 2),
            .conv(filters: 8, kernel: 3, stride: 2, padding: .same, activation: .relu),
            .flatten,
            .dense(units: 32, activation: .relu, dropout: 0.1),
            .batchnorm(activation: .relu, momentum: 0.2, epsilon: 1e-3),
            .dropout(rate: 0.2),
            .activation(.tanh),
            .latent(units: 6, activation: .linear, kind: .gaussian, sparsity: .none),
            .dense(units: 392, activation: .relu, dropout: nil),
            .reshape(shape: [7, 7, 8]),
            .upsample(factor: 2),
            .deconv(filters: 4, kernel: 3, stride: 2, padding: .same, activation: .relu),
            .dense(units: 784, activation: .sigmoid, dropout: nil),
        ]
        // Every layer kind of the language is here.
        let kinds = Set(specs.map { $0.text.split(separator: " ")[0] }.map(String.init))
        XCTAssertTrue(
            kinds.isSuperset(of: Vocabulary.layerKinds), "missing: \(Set(Vocabulary.layerKinds).subtracting(kinds))")

        let network = try Autoencoder(specs: specs, inputShape: [28, 28, 1], initializer: .glorotUniform, seed: 1)
        var shape = [28, 28, 1]
        var layerIndex = 0
        for spec in specs {
            let made = try LayerFactory.layers(for: spec)
            let built = network.layers[layerIndex..<layerIndex + made.count]
            let count = built.flatMap(\.parameters).reduce(0) { $0 + $1.value.count }
            XCTAssertEqual(ModelLimits.parameters(of: spec, input: shape), count, spec.text)
            for layer in made { shape = try layer.outputShape(for: shape) }
            layerIndex += made.count
        }
        XCTAssertEqual(layerIndex, network.layers.count)
    }
}
