import Language
import Neural

extension ModelEntry {
    /// The network for images of `shape`: the one already built (if it fits), or a new one.
    /// Shapes are checked layer by layer first so that a mismatch points at its line.
    func network(for shape: [Int], dataName: String, at range: SourceRange) throws -> Autoencoder {
        if let network {
            guard network.inputShape.reduce(1, *) == shape.reduce(1, *) else {
                throw Diagnostic(
                    "\(name) was built for \(describeShape(network.inputShape)) images but \(dataName) holds \(describeShape(shape)) images",
                    range: range, kind: .shape,
                    expected: "data of the size it first met (or define the model again)")
            }
            return network
        }
        return try build(for: shape)
    }

    func build(for shape: [Int]) throws -> Autoencoder {
        var current = shape
        for (index, spec) in specs.enumerated() {
            let range = index < layerRanges.count ? layerRanges[index] : headerRange
            do {
                for layer in try LayerFactory.layers(for: spec) { current = try layer.outputShape(for: current) }
            } catch let e as ShapeError {
                throw Diagnostic(
                    "this layer does not fit: \(e.message)", range: range, kind: .shape,
                    expected: "a layer that takes \(describeShape(current)) (the output of the layer above)")
            } catch {
                throw Diagnostic("this layer cannot be built: \(error)", range: range, kind: .shape)
            }
        }
        let outputCount = current.reduce(1, *), inputCount = shape.reduce(1, *)
        guard outputCount == inputCount else {
            throw Diagnostic(
                "the decoder ends with \(outputCount) values but the input has \(inputCount) (\(describeShape(shape)))",
                range: layerRanges.last ?? headerRange, kind: .shape,
                expected: "a last layer with \(inputCount) values, e.g. dense \(inputCount) sigmoid")
        }
        do {
            return try Autoencoder(specs: specs, inputShape: shape, initializer: .glorotUniform, seed: seed)
        } catch {
            throw Diagnostic("\(name) cannot be built: \(error)", range: headerRange, kind: .shape)
        }
    }
}

/// [28, 28, 1] -> "28x28x1"
func describeShape(_ shape: [Int]) -> String {
    shape.map(String.init).joined(separator: "x")
}
