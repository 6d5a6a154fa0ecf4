/// A statement of the language as the parser knows it: its word, its grammar, its help and how it
/// reads its line. The session supplies the statements, each a type in a file of its own beside
/// its run function; the parser, completion, `help`, the kernel's reference and
/// docs/language.md all read them from one `StatementTable`.
public protocol StatementSyntax: Sendable, Equatable {
    static var keyword: String { get }
    static var grammar: Grammar { get }
    static var help: StatementHelp { get }
    /// Reads the line after the keyword. The parser then requires the line's end.
    static func parse(_ line: inout StatementReader) throws -> Self
}

extension StatementSyntax {
    public var keyword: String { Self.keyword }

    func isEqual(to other: any StatementSyntax) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}

/// The statements a parser knows, in the order `help` lists them.
public struct StatementTable: @unchecked Sendable {
    public let kinds: [any StatementSyntax.Type]
    private let byKeyword: [String: any StatementSyntax.Type]

    public init(_ kinds: [any StatementSyntax.Type]) {
        self.kinds = kinds
        self.byKeyword = Dictionary(kinds.map { ($0.keyword, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var keywords: [String] { kinds.map { $0.keyword } }

    /// Every word that starts a statement: `model` (a block, read by the parser itself) and the
    /// table's keywords, in the order `help` lists them.
    public var words: [String] { [Vocabulary.modelKeyword] + keywords }

    public func kind(_ keyword: String) -> (any StatementSyntax.Type)? { byKeyword[keyword] }

    /// Words that cannot name a dataset or a model.
    public var reserved: Set<String> { Set(words + Vocabulary.dataSources) }

    /// A table with no keyword statements: assignments, model blocks and bare names only.
    public static let empty = StatementTable([])
}
