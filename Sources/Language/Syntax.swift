/// The syntax tree of a cell: statements with their source ranges. Names are `Located<String>`
/// so that a later "unknown name" can point at the very word.
public typealias Identifier = Located<String>

public struct Cell: Sendable, Equatable {
    public var statements: [StatementNode]
    public init(statements: [StatementNode]) { self.statements = statements }
}

public struct StatementNode: Sendable, Equatable {
    public var statement: Statement
    public var range: SourceRange
    public init(_ statement: Statement, range: SourceRange) {
        self.statement = statement
        self.range = range
    }
}

public enum Statement: Sendable, Equatable {
    /// `NAME = DATA`.
    case assign(name: Identifier, value: DataExpression)
    /// A `model NAME:` block with its layers.
    case model(ModelSyntax)
    /// A bare name, member or slice: shows its value.
    case expression(Reference)
    /// A line that starts with a word of the statement table.
    case command(any StatementSyntax)

    /// The statement word, as a learner writes it (`nil` for assignments and bare expressions).
    public var keyword: String? {
        switch self {
        case .assign, .expression: return nil
        case .model: return "model"
        case .command(let c): return c.keyword
        }
    }

    public static func == (a: Statement, b: Statement) -> Bool {
        switch (a, b) {
        case (.assign(let n1, let v1), .assign(let n2, let v2)): return n1 == n2 && v1 == v2
        case (.model(let x), .model(let y)): return x == y
        case (.expression(let x), .expression(let y)): return x == y
        case (.command(let x), .command(let y)): return x.isEqual(to: y)
        default: return false
        }
    }
}

/// A name followed by members and subscripts: `data.test[label 3][0:8]`, `ae.loss`.
public struct Reference: Sendable, Equatable {
    public var base: Identifier
    public var accessors: [Accessor]
    public var range: SourceRange

    public init(base: Identifier, accessors: [Accessor], range: SourceRange) {
        self.base = base
        self.accessors = accessors
        self.range = range
    }
}

public enum Accessor: Sendable, Equatable {
    case member(Identifier)
    /// `[a:b]`, either end optional.
    case slice(lower: Int?, upper: Int?, range: SourceRange)
    /// `[i]`
    case index(Int, range: SourceRange)
    /// `[label d]`
    case label(Int, range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .member(let m): return m.range
        case .slice(_, _, let r), .index(_, let r), .label(_, let r): return r
        }
    }
}

/// The right-hand side of `name = ...`.
public enum DataExpression: Sendable, Equatable {
    /// `mnist`, `mnist train 6000 test 1000`, `fashion ...`.
    case builtin(BuiltinDataset, train: Located<Int>?, test: Located<Int>?, range: SourceRange)
    /// `idx "images" "labels" test "images" "labels"`.
    case idx(
        trainImages: Located<String>, trainLabels: Located<String>, testImages: Located<String>?,
        testLabels: Located<String>?, range: SourceRange)
    /// Another dataset, or part of one.
    case reference(Reference)

    public var range: SourceRange {
        switch self {
        case .builtin(_, _, _, let r), .idx(_, _, _, _, let r): return r
        case .reference(let r): return r.range
        }
    }
}

public enum BuiltinDataset: String, Sendable, Equatable, CaseIterable {
    case mnist, fashion
}

public struct ModelSyntax: Sendable, Equatable {
    public var name: Identifier
    public var layers: [LayerSyntax]
    /// The header line `model NAME:`.
    public var headerRange: SourceRange
    /// `model NAME init SCHEME:`; glorot when not written.
    public var initializer: Initializer

    public init(
        name: Identifier, layers: [LayerSyntax], headerRange: SourceRange, initializer: Initializer = .glorotUniform
    ) {
        self.name = name
        self.layers = layers
        self.headerRange = headerRange
        self.initializer = initializer
    }
}

/// One line of a model block: its keyword and values as the layer kind's grammar read them
/// (`LayerLine`, the defaults of what was not written filled in), and where each was written.
public struct LayerSyntax: Sendable, Equatable {
    public var line: LayerLine
    /// Where each written value is, by its name in `line`: an argument's value, an option's
    /// word and value, the activation word.
    public var ranges: [String: SourceRange]
    /// The whole line.
    public var range: SourceRange

    public init(line: LayerLine, ranges: [String: SourceRange] = [:], range: SourceRange) {
        self.line = line
        self.ranges = ranges
        self.range = range
    }

    public var keyword: String { line.keyword }

    /// Where the value `name` was written; the whole line for one that was not (or for nil).
    public func range(of name: String?) -> SourceRange { name.flatMap { ranges[$0] } ?? range }
}
