import Language
import Neural

// The session is where the language meets the engine. The engine's layer kinds declare how
// their lines are written (`LayerSpec.kinds`, each in its layer's file); the language knows none
// of them. Here the session hands their grammars to the parser and to completion and help, and
// turns the lines the parser read into the engine's specs.

extension Parser {
    /// A parser of `source` with the lesson's statements and the engine's layer kinds: how the
    /// session parses every cell.
    public init(_ source: String) { self.init(source, statements: .lesson, layers: LayerSpec.grammars) }

    /// Whether `source` can run, with the lesson's statements and the engine's layer kinds.
    public static func completeness(of source: String) -> SyntaxCompleteness {
        completeness(of: source, statements: .lesson, layers: LayerSpec.grammars)
    }
}

extension Vocabulary {
    /// The layer kinds the language writes, in the order it lists them.
    public static var layerKinds: [String] { LayerSpec.grammars.keywords }
}

/// The language's layer lines turned into the engine's specs, through each kind's declaration.
enum SpecConversion {
    /// The engine's spec of a layer line, made by its kind's own declaration; a value the kind
    /// refuses is pointed at.
    static func spec(_ layer: LayerSyntax) throws -> LayerSpec {
        do {
            return try LayerSpec(line: layer.line)
        } catch let error as LayerLineError {
            throw Diagnostic(error.message, range: layer.range(of: error.slot), kind: .value)
        }
    }

    /// What may follow `words` (the words before the cursor) on a line of a model block: the
    /// kinds at its start; after a word-valued option, its words; otherwise the activations,
    /// words and options of the line's kind.
    static func layerCompletions(after words: [String]) -> [String] {
        guard let keyword = words.first else { return Vocabulary.layerKinds }
        guard let grammar = LayerSpec.grammars[keyword: keyword] else { return Vocabulary.activations }
        if words.count > 1, let last = words.last, let values = grammar.optionValues[last] { return values }
        return grammar.followingWords
    }
}
