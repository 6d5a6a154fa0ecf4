// Padding (`same` keeps the spatial size at stride 1, `valid` uses only positions where the
// kernel fits) and PoolKind are Terms' words.

/// One kind of model line, declared once, in the file of the layer it builds (DenseLayer.swift
/// declares `DenseLine`): how the lesson language writes it (its grammar, which the session hands
/// to the parser), the spec a written line describes, its text, what it does to a sample's
/// shape, how many values it holds, and the layers that carry it out. The parser, completion,
/// `help`, the summary, the session's size limits and saved files all read it from here.
///
/// A kind is Codable: a spec is saved as `{keyword: {its fields}}`, so a kind's fields are part of
/// the saved format (see "Snapshots" in docs/engine.md before changing them).
public protocol LayerDeclaration: Codable, Equatable, Sendable {
    /// The line's first word, and the key its spec is saved under.
    static var keyword: String { get }
    /// How the lesson language writes the line; nil for a kind only the engine makes.
    static var grammar: LayerGrammar? { get }
    /// The spec a parsed line describes: its values as the grammar read them, the defaults of
    /// what was not written filled in. Throws `LayerLineError` naming the value that is wrong.
    init(line: LayerLine) throws
    /// The line as the lesson language writes it, e.g. "dense 250 relu dropout 0.2".
    var text: String { get }
    /// The layers that carry the line out, not yet built (a dense line with dropout makes two).
    func makeLayers() throws -> [Layer]
    /// The per-sample output shape for a per-sample input shape; throws `ShapeError` when the
    /// input does not fit. By default, the shape its layers pass on.
    func outputShape(for input: [Int]) throws -> [Int]
    /// How many trainable values its layers hold for a per-sample input, counted without
    /// building anything; nil when the count overflows.
    func parameterCount(input: [Int]) -> Int?
    /// How many values its layers save but do not train (running statistics); none by default.
    func bufferCount(input: [Int]) -> Int?
    /// The width of the code, for the model's latent line; nil for every other line.
    var codeSize: Int? { get }
    /// The activation the line's output ends with (linear when none).
    var outputActivation: Activation { get }
}

extension LayerDeclaration {
    public func outputShape(for input: [Int]) throws -> [Int] {
        var shape = input
        for layer in try makeLayers() { shape = try layer.outputShape(for: shape) }
        return shape
    }

    public func bufferCount(input: [Int]) -> Int? { 0 }
    public var codeSize: Int? { nil }
    public var outputActivation: Activation { .linear }
}

extension LayerSpec {
    /// Every kind of line the engine builds, in the order the language lists them. Adding a
    /// kind is its file and one line here.
    public static let kinds: [any LayerDeclaration.Type] = [
        DenseLine.self, LatentLine.self, ConvLine.self, DeconvLine.self, PoolLine.self, UpsampleLine.self,
        FlattenLine.self, ReshapeLine.self, DropoutLine.self, ActivationLine.self,
        BatchNormLine.self,
    ]
}

/// One line of a model definition: a spec of one of the kinds in `LayerSpec.kinds`. A model is a
/// list of these with exactly one latent line: the layers above it form the encoder, those below
/// the decoder. Each kind adds its own constructor (`LayerSpec.dense(units:activation:dropout:)`).
public struct LayerSpec: Codable, Equatable, Sendable {
    /// The line, as its kind declares it.
    public let declaration: any LayerDeclaration

    public init(_ declaration: some LayerDeclaration) {
        self.declaration = declaration
    }

    /// The spec a parsed line describes, made by the kind its keyword names.
    public init(line: LayerLine) throws {
        guard let kind = Self.kind(line.keyword) else {
            throw LayerLineError(slot: nil, "'\(line.keyword)' is not a layer kind")
        }
        declaration = try kind.init(line: line)
    }

    /// The kind saved under `keyword`.
    public static func kind(_ keyword: String) -> (any LayerDeclaration.Type)? {
        kinds.first { $0.keyword == keyword }
    }

    /// The grammar of every kind the language writes, for the parser.
    public static let grammars = LayerGrammars(kinds.compactMap { $0.grammar })

    public var keyword: String { type(of: declaration).keyword }
    /// The spec as the lesson language writes it, e.g. "dense 250 relu dropout 0.2".
    public var text: String { declaration.text }
    /// Whether this is the model's latent line.
    public var isLatent: Bool { declaration.codeSize != nil }

    public func makeLayers() throws -> [Layer] { try declaration.makeLayers() }
    public func outputShape(for input: [Int]) throws -> [Int] { try declaration.outputShape(for: input) }
    public func parameterCount(input: [Int]) -> Int? { declaration.parameterCount(input: input) }
    public func bufferCount(input: [Int]) -> Int? { declaration.bufferCount(input: input) }

    public static func == (a: LayerSpec, b: LayerSpec) -> Bool { a.declaration.isEqual(to: b.declaration) }

    /// Saved as `{keyword: {fields}}`, the form Swift gave the enum this was before: models
    /// saved since format 1 read as they are.
    struct KindKey: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: KindKey.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a layer is saved as one kind with its values, not \(container.allKeys.count)"))
        }
        guard let kind = Self.kind(key.stringValue) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "unknown layer kind '\(key.stringValue)' (saved by a newer Latent?)")
        }
        declaration = try kind.decoded(from: container, key: key)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: KindKey.self)
        try declaration.encode(into: &container)
    }
}

extension LayerDeclaration {
    fileprivate func isEqual(to other: any LayerDeclaration) -> Bool { (other as? Self) == self }

    fileprivate static func decoded(from container: KeyedDecodingContainer<LayerSpec.KindKey>, key: LayerSpec.KindKey)
        throws -> Self
    {
        try container.decode(Self.self, forKey: key)
    }

    fileprivate func encode(into container: inout KeyedEncodingContainer<LayerSpec.KindKey>) throws {
        try container.encode(self, forKey: LayerSpec.KindKey(Self.keyword))
    }
}

/// Turns one `LayerSpec` into the layers that carry it out: its kind's `makeLayers`.
public enum LayerFactory {
    public static func layers(for spec: LayerSpec) throws -> [Layer] { try spec.makeLayers() }
}

/// Helpers the kinds' declarations share.
enum LayerText {
    /// " relu" after a line's sizes, nothing for linear (the file's spelling: `leaky_relu`).
    static func activationSuffix(_ a: Activation) -> String { a == .linear ? "" : " \(a.rawValue)" }
}

public enum LayerCount {
    /// The product of sizes, or nil when it overflows.
    public static func product(_ sizes: [Int]) -> Int? {
        var p = 1
        for s in sizes {
            let (r, overflow) = p.multipliedReportingOverflow(by: max(s, 0))
            if overflow { return nil }
            p = r
        }
        return p
    }

    /// Weights and biases of `copies` affine maps from `fanIn` inputs to `units` (nil on overflow).
    public static func affine(fanIn: Int?, units: Int, copies: Int = 1) -> Int? {
        guard let fanIn else { return nil }
        let (w, o1) = fanIn.multipliedReportingOverflow(by: units)
        let (wb, o2) = w.addingReportingOverflow(units)
        let (t, o3) = wb.multipliedReportingOverflow(by: copies)
        return o1 || o2 || o3 ? nil : t
    }
}
