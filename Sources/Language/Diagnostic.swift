/// A mistake found in a cell, as a value: what is wrong, where, what was expected there, and the
/// near word when one is close. Rendering it for a learner is `DiagnosticRenderer`'s job.
public struct Diagnostic: Sendable, Equatable, Error {
    /// What family of mistake it is; the kernel shows it as the error's name.
    public enum Kind: String, Sendable, Equatable {
        case syntax = "SyntaxError"
        case name = "NameError"
        case value = "ValueError"
        case shape = "ShapeError"
        case file = "FileError"
        case data = "DataError"
        case training = "TrainingError"
        case interrupted = "KeyboardInterrupt"
        /// A condition a cell checks (`check`) that does not hold; named as Python names a
        /// failed assert, which graders such as nbgrader count as a failed test.
        case check = "AssertionError"
    }

    public var kind: Kind
    public var message: String
    public var range: SourceRange
    /// What would have fitted at that place, e.g. "a layer kind (dense, conv, ...)".
    public var expected: String?
    /// A near word: rendered as "did you mean X?".
    public var suggestion: String?
    /// Further lines, e.g. the names that exist.
    public var notes: [String]

    public init(
        _ message: String, range: SourceRange, kind: Kind = .syntax, expected: String? = nil,
        suggestion: String? = nil, notes: [String] = []
    ) {
        self.kind = kind
        self.message = message
        self.range = range
        self.expected = expected
        self.suggestion = suggestion
        self.notes = notes
    }
}
