/// How a line of a model block is written. Each layer kind declares its grammar in its own file
/// in Neural; the session hands the parser (in Language, which does not know the engine) the
/// table of them, and the parser reads a line into a `LayerLine` by it:
///
///     keyword  arguments, in order  options, in any order (with an activation, when it takes one)
///     conv     8                    kernel 3  stride 2  padding valid  relu
///
/// A word or number that does not fit is reported with the texts given here ("the number of
/// units must be at least 1, not 0"), so a new kind's mistakes read like the others'.
public struct LayerGrammar: Sendable, Equatable {
    /// The line's first word.
    public var keyword: String
    /// What follows the keyword, in order.
    public var arguments: [LayerArgument]
    /// Words that may follow the arguments in any order, each once.
    public var options: [LayerOption]
    /// Whether an activation word may be among the options.
    public var takesActivation: Bool
    /// Whether this is the model's bottleneck (`latent`): a model has exactly one such line.
    public var isLatent: Bool
    /// Values that cannot be written together.
    public var conflicts: [LayerConflict]
    /// What the line is called when more follows it than it takes ("'x' is more than pool
    /// takes"), for a kind with no options.
    public var ending: String

    public init(
        _ keyword: String, arguments: [LayerArgument] = [], options: [LayerOption] = [], takesActivation: Bool = false,
        isLatent: Bool = false, conflicts: [LayerConflict] = [], ending: String? = nil
    ) {
        self.keyword = keyword
        self.arguments = arguments
        self.options = options
        self.takesActivation = takesActivation
        self.isLatent = isLatent
        self.conflicts = conflicts
        self.ending = ending ?? keyword
    }

    /// The option words, in the order declared.
    public var optionWords: [String] { options.map(\.word) }

    /// Whether anything but its arguments may follow the keyword.
    public var takesOptions: Bool { takesActivation || !options.isEmpty }

    /// The words that may come after the keyword and its numbers: its activations, its option
    /// words and the words of its word-valued arguments (`max`, `avg` after `pool`).
    public var followingWords: [String] {
        var words = takesActivation ? Activation.allCases.map(\.word) : []
        for argument in arguments { words += argument.value.words }
        return words + optionWords
    }

    /// The words a word-valued option takes (`padding` -> same, valid), by option word.
    public var optionValues: [String: [String]] {
        var values: [String: [String]] = [:]
        for option in options {
            if let words = option.value?.words, !words.isEmpty { values[option.word] = words }
        }
        return values
    }
}

/// A value that follows the keyword at its place: `units` in `dense 250`.
public struct LayerArgument: Sendable, Equatable {
    public enum Presence: Sendable, Equatable {
        case required
        /// May be left out, and then `default` stands. A word-valued argument is there when a
        /// word comes next; any other when the line goes on.
        case optional(default: LayerValue)
        /// One or more values in a row, at most `maximum` (`reshape 7 7 16`): a `.list`.
        case repeated(maximum: Int)
    }

    /// The name its value has in the `LayerLine`.
    public var name: String
    public var value: ValueGrammar
    public var presence: Presence

    public init(_ name: String, _ value: ValueGrammar, _ presence: Presence = .required) {
        self.name = name
        self.value = value
        self.presence = presence
    }
}

/// A word that may follow the arguments, alone (a flag, `gaussian`) or with a value
/// (`dropout 0.2`).
public struct LayerOption: Sendable, Equatable {
    /// The word, which is also the name of its value in the `LayerLine`.
    public var word: String
    /// What follows the word; nil for a flag, whose value is `.flag` when written.
    public var value: ValueGrammar?
    /// The value when the option is not written; nil leaves it out of the line.
    public var defaultValue: LayerValue?

    public init(_ word: String, _ value: ValueGrammar? = nil, default defaultValue: LayerValue? = nil) {
        self.word = word
        self.value = value
        self.defaultValue = defaultValue
    }
}

/// The tokens one value is written as. `what` names the value in messages, e.g. "the kernel size".
public indirect enum ValueGrammar: Sendable, Equatable {
    /// A whole number from 1 to `maximum`: `.integer`.
    case size(String, maximum: Int)
    /// A number satisfying a rule: `.number`.
    case number(String, NumberRule)
    /// One word of a fixed set (a learner may write it in capitals): `.word`, lower-case.
    case choice(String, [String])
    /// One of several forms, each begun by its own word and giving `.form(word, values)`, or
    /// else `otherwise`: `sparse kl 0.05 weight 2` or `sparse 1e-5`.
    case forms([ValueForm], otherwise: ValueGrammar)

    /// A whole number from 1 up to a million: a layer's size.
    public static func size(_ what: String) -> ValueGrammar { .size(what, maximum: 1_000_000) }

    /// The words this value may start with (for completion).
    public var words: [String] {
        switch self {
        case .size, .number: return []
        case .choice(_, let words): return words
        case .forms(let forms, let otherwise): return forms.map(\.word) + otherwise.words
        }
    }
}

/// A form of a value begun by its word, and the parts that follow the word.
public struct ValueForm: Sendable, Equatable {
    public var word: String
    public var parts: [ValuePart]

    public init(_ word: String, _ parts: [ValuePart]) {
        self.word = word
        self.parts = parts
    }
}

/// One part of a form: a value, or a word and a value that may be left out (then `default`).
public struct ValuePart: Sendable, Equatable {
    public var word: String?
    public var value: ValueGrammar
    public var defaultValue: LayerValue?

    public init(_ value: ValueGrammar) {
        self.word = nil
        self.value = value
        self.defaultValue = nil
    }

    public init(_ word: String, _ value: ValueGrammar, default defaultValue: LayerValue) {
        self.word = word
        self.value = value
        self.defaultValue = defaultValue
    }
}

/// Values that cannot be written on one line together, with what to say when they are.
public struct LayerConflict: Sendable, Equatable {
    /// Argument names, option words, or `LayerLine.activationSlot`.
    public var slots: [String]
    public var message: String
    public var expected: String

    public init(_ slots: [String], message: String, expected: String) {
        self.slots = slots
        self.message = message
        self.expected = expected
    }
}

/// One value of a parsed layer line.
public enum LayerValue: Sendable, Equatable, Hashable {
    case integer(Int)
    case number(Double)
    case word(String)
    /// An option written without a value.
    case flag
    /// A repeated argument's values.
    case list([LayerValue])
    /// A form's word and its parts' values.
    case form(String, [LayerValue])
}

/// A layer line as the parser read it: its keyword and its values by name (arguments by their
/// names, options by their words, the activation as `activationSlot`), the defaults of what was
/// not written filled in. The layer kind turns it into the engine's spec.
public struct LayerLine: Sendable, Equatable {
    /// The name of an activation word's value.
    public static let activationSlot = "activation"

    public var keyword: String
    public var values: [String: LayerValue]

    public init(_ keyword: String, _ values: [String: LayerValue] = [:]) {
        self.keyword = keyword
        self.values = values
    }

    public subscript(_ name: String) -> LayerValue? { values[name] }

    /// Whether the value is there (written, or given by a default).
    public func has(_ name: String) -> Bool { values[name] != nil }

    /// The activation written on the line, if any.
    public var activation: Activation? {
        guard case .word(let word)? = values[Self.activationSlot] else { return nil }
        return Activation(word: word)
    }

    public func integer(_ name: String) throws -> Int {
        guard case .integer(let v)? = values[name] else {
            throw LayerLineError.missing(name, "a whole number", in: self)
        }
        return v
    }

    /// A number, or nil when the line has none.
    public func number(_ name: String) throws -> Double? {
        switch values[name] {
        case nil: return nil
        case .number(let v)?: return v
        case .integer(let v)?: return Double(v)
        default: throw LayerLineError.missing(name, "a number", in: self)
        }
    }

    public func word(_ name: String) throws -> String {
        guard case .word(let v)? = values[name] else { throw LayerLineError.missing(name, "a word", in: self) }
        return v
    }

    /// A word-valued value as a case of `T` (raw values are the words).
    public func choice<T: RawRepresentable>(_ name: String, as: T.Type) throws -> T where T.RawValue == String {
        guard let v = T(rawValue: try word(name)) else { throw LayerLineError.missing(name, "a known word", in: self) }
        return v
    }

    public func integers(_ name: String) throws -> [Int] {
        guard case .list(let list)? = values[name] else { throw LayerLineError.missing(name, "sizes", in: self) }
        return try list.map {
            guard case .integer(let v) = $0 else { throw LayerLineError.missing(name, "sizes", in: self) }
            return v
        }
    }
}

/// A layer line its kind cannot make a spec of: which value (by name; nil for the whole line)
/// and why. The session points at that value.
public struct LayerLineError: Error, Equatable, CustomStringConvertible {
    public var slot: String?
    public var message: String

    public init(slot: String?, _ message: String) {
        self.slot = slot
        self.message = message
    }

    public var description: String { message }

    /// A value the grammar should have given is not there (a grammar and its kind disagree).
    static func missing(_ name: String, _ what: String, in line: LayerLine) -> LayerLineError {
        LayerLineError(slot: name, "\(line.keyword) needs \(what) for \(name)")
    }
}

/// The grammars of every layer kind, in the order the language lists them.
public struct LayerGrammars: Sendable, Equatable {
    public let all: [LayerGrammar]

    public init(_ all: [LayerGrammar]) { self.all = all }

    public var keywords: [String] { all.map(\.keyword) }

    public subscript(keyword keyword: String) -> LayerGrammar? { all.first { $0.keyword == keyword } }
}
