import Foundation
import XCTest

@testable import Neural

/// Each layer kind declares itself once (LayerSpec.kinds): its keyword, its grammar, its saved
/// form. These check the declarations agree with each other and with the files saved so far.
final class LayerSpecTests: XCTestCase {
    func testEveryKindIsDeclaredOnce() {
        let keywords = LayerSpec.kinds.map { $0.keyword }
        XCTAssertEqual(Set(keywords).count, keywords.count, "two kinds share a keyword: \(keywords)")
        for kind in LayerSpec.kinds {
            if let grammar = kind.grammar { XCTAssertEqual(grammar.keyword, kind.keyword) }
            XCTAssertNotNil(LayerSpec.kind(kind.keyword))
        }
        XCTAssertEqual(LayerSpec.grammars.keywords, LayerSpec.kinds.compactMap { $0.grammar?.keyword })
        XCTAssertNil(ActivationLine.grammar, "an activation line is the engine's, not the language's")
    }

    /// Specs are saved as Swift saved the enum they were in format 1, `{kind: {fields}}`; every
    /// kind is here.
    func testSpecsReadAsFormatOneWroteThem() throws {
        let saved: [(String, LayerSpec)] = [
            (#"{"dense":{"units":16,"activation":"relu"}}"#, .dense(units: 16, activation: .relu, dropout: nil)),
            (
                #"{"dense":{"units":8,"activation":"leaky_relu","dropout":0.25}}"#,
                .dense(units: 8, activation: .leakyRelu, dropout: 0.25)
            ),
            (
                #"{"latent":{"units":4,"sparsity":{"none":{}},"activation":"linear","kind":"plain"}}"#,
                .latent(units: 4, activation: .linear, kind: .plain, sparsity: .none)
            ),
            (
                #"{"latent":{"units":4,"sparsity":{"kl":{"rho":0.5,"weight":2}},"activation":"sigmoid","kind":"plain"}}"#,
                .latent(units: 4, activation: .sigmoid, kind: .plain, sparsity: .kl(rho: 0.5, weight: 2))
            ),
            (
                #"{"conv":{"filters":4,"kernel":5,"stride":2,"padding":"valid","activation":"relu"}}"#,
                .conv(filters: 4, kernel: 5, stride: 2, padding: .valid, activation: .relu)
            ),
            (
                #"{"deconv":{"filters":1,"kernel":3,"stride":1,"padding":"same","activation":"sigmoid"}}"#,
                .deconv(filters: 1, kernel: 3, stride: 1, padding: .same, activation: .sigmoid)
            ),
            (#"{"pool":{"kind":"avg","size":3}}"#, .pool(kind: .avg, size: 3)),
            (#"{"upsample":{"factor":2}}"#, .upsample(factor: 2)),
            (#"{"flatten":{}}"#, .flatten),
            (#"{"reshape":{"shape":[7,7,16]}}"#, .reshape(shape: [7, 7, 16])),
            (#"{"dropout":{"rate":0.5}}"#, .dropout(rate: 0.5)),
            (#"{"activation":{"_0":"tanh"}}"#, .activation(.tanh)),
            // Since format 2.
            (
                #"{"batchnorm":{"activation":"relu","momentum":0.25,"epsilon":0.001}}"#,
                .batchnorm(activation: .relu, momentum: 0.25, epsilon: 0.001)
            ),
        ]
        for (json, spec) in saved {
            let read = try JSONDecoder().decode(LayerSpec.self, from: Data(json.utf8))
            XCTAssertEqual(read, spec, json)
            XCTAssertEqual(try JSONDecoder().decode(LayerSpec.self, from: JSONEncoder().encode(spec)), spec)
            // Written back, the same keys and values.
            let written = try JSONSerialization.jsonObject(with: JSONEncoder().encode(spec)) as? NSDictionary
            let original = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary
            XCTAssertEqual(written, original, json)
        }
        XCTAssertEqual(
            Set(saved.map(\.1.keyword)), Set(LayerSpec.kinds.map { $0.keyword }), "a kind is not checked here")
        XCTAssertNotEqual(LayerSpec.flatten, .dropout(rate: 0.5))
        XCTAssertNotEqual(LayerSpec.pool(kind: .max, size: 2), .pool(kind: .max, size: 3))
    }

    func testAnUnknownKindIsNamed() {
        XCTAssertThrowsError(try JSONDecoder().decode(LayerSpec.self, from: Data(#"{"groupnorm":{}}"#.utf8))) {
            XCTAssertTrue("\($0)".contains("unknown layer kind 'groupnorm' (saved by a newer Latent?)"), "\($0)")
        }
        XCTAssertThrowsError(try LayerSpec(line: LayerLine("groupnorm"))) {
            XCTAssertEqual($0 as? LayerLineError, LayerLineError(slot: nil, "'groupnorm' is not a layer kind"))
        }
    }

    /// A line as the parser gives it (defaults filled in) makes the spec the kind's constructor does.
    func testLinesMakeSpecs() throws {
        func spec(_ keyword: String, _ values: [String: LayerValue]) throws -> LayerSpec {
            try LayerSpec(line: LayerLine(keyword, values))
        }
        XCTAssertEqual(
            try spec("dense", ["units": .integer(3), "activation": .word("leakyrelu"), "dropout": .number(0.5)]),
            .dense(units: 3, activation: .leakyRelu, dropout: 0.5))
        XCTAssertEqual(
            try spec("latent", ["units": .integer(2), "sparse": .form("kl", [.number(0.05), .number(1)])]),
            .latent(units: 2, activation: .linear, kind: .plain, sparsity: .kl(rho: 0.05, weight: 1)))
        XCTAssertEqual(
            try spec("latent", ["units": .integer(2), "gaussian": .flag]),
            .latent(units: 2, activation: .linear, kind: .gaussian, sparsity: .none))
        XCTAssertEqual(
            try spec(
                "conv",
                ["filters": .integer(4), "kernel": .integer(3), "stride": .integer(1), "padding": .word("same")]),
            .conv(filters: 4, kernel: 3, stride: 1, padding: .same, activation: .linear))
        XCTAssertEqual(
            try spec("reshape", ["shape": .list([.integer(7), .integer(7)])]), .reshape(shape: [7, 7]))
        XCTAssertThrowsError(try spec("dense", [:])) {
            XCTAssertEqual(($0 as? LayerLineError)?.slot, "units")
        }
    }
}
