/// How a statement is written, as data: its required parts in order and its options. The parser
/// reads a line through these (`StatementReader.read`), and completion, `help`, the reference in
/// the kernel and docs/language.md are all made from them, so what a statement accepts and what
/// is said about it cannot drift apart.
public struct Grammar: Sendable {
    public var parts: [Part]
    public var options: [OptionDescription]

    /// `parts` in the order they are written; a part made with `.optional` may be left out.
    public init(parts: [any SlotDescribing] = [], options: [any OptionDescribing] = []) {
        self.parts = parts.map { Part(slot: $0.slotDescription, isOptional: $0.isOptional) }
        self.options = options.map(\.optionDescription)
    }

    public struct Part: Sendable {
        public var slot: SlotDescription
        public var isOptional: Bool
    }

    public var optionWords: [String] { options.map(\.word) }

    /// `train MODEL [on DATA] [epochs N] ...`, as `help` and the reference show it.
    public func synopsis(_ keyword: String) -> String {
        var words = [keyword]
        for part in parts { words.append(part.isOptional ? "[\(part.slot.placeholder)]" : part.slot.placeholder) }
        for option in options {
            let written = option.slot.map { "\(option.word) \($0.placeholder)" } ?? option.word
            words.append("[\(written)]")
        }
        return words.joined(separator: " ")
    }
}

/// What completes a value as it is typed.
public enum Completing: Sendable, Equatable {
    case models
    case data
    /// Any name of the session (datasets and models).
    case names
    case words([String])
    /// The words `help` has a section for.
    case helpTopics
    case nothing
}

/// A slot without its value type: how it is shown and completed.
public struct SlotDescription: Sendable {
    /// As the synopsis writes it: MODEL, IMAGES, N.
    public var placeholder: String
    /// What a mistake says belongs here, e.g. "the model's name".
    public var expected: String
    public var completing: Completing
}

public protocol SlotDescribing: Sendable {
    var slotDescription: SlotDescription { get }
    var isOptional: Bool { get }
}

extension SlotDescribing {
    public var isOptional: Bool { false }
}

/// A part that may be left out, for a grammar's list of parts (`embed [MODEL] IMAGES`).
public struct OptionalPart: SlotDescribing {
    public let slotDescription: SlotDescription
    public var isOptional: Bool { true }
}

/// One value a statement reads, of type `Value`, and how it is read.
public struct Slot<Value>: SlotDescribing, @unchecked Sendable {
    public let slotDescription: SlotDescription
    let reading: (inout StatementReader) throws -> Value

    /// This slot as a part that may be left out.
    public var optional: OptionalPart { OptionalPart(slotDescription: slotDescription) }

    /// A slot of a kind the language does not know (a statement's own small syntax).
    public init(
        _ placeholder: String, expected: String, completing: Completing = .nothing,
        read: @escaping (inout StatementReader, _ expected: String) throws -> Value
    ) {
        self.slotDescription = SlotDescription(placeholder: placeholder, expected: expected, completing: completing)
        self.reading = { try read(&$0, expected) }
    }
}

extension Slot where Value == Identifier {
    /// An existing model's name.
    public static func model(_ expected: String = "the model's name") -> Self {
        Slot("MODEL", expected: expected, completing: .models) { try $0.name($1) }
    }
    /// A name (to define, or to look up among all names).
    public static func name(_ placeholder: String, _ expected: String, completing: Completing = .nothing) -> Self {
        Slot(placeholder, expected: expected, completing: completing) { try $0.name($1) }
    }
}

extension Slot where Value == Reference {
    /// Images or a dataset, with members and subscripts: `data.test[0:16]`.
    public static func data(_ placeholder: String, _ expected: String) -> Self {
        Slot(placeholder, expected: expected, completing: .data) { try $0.reference($1) }
    }
}

extension Slot where Value == Located<Int> {
    public static func integer(_ placeholder: String, _ expected: String, minimum: Int? = nil) -> Self {
        Slot(placeholder, expected: expected) { try $0.stream.expectInteger($1, minimum: minimum) }
    }
}

extension Slot where Value == Located<Double> {
    public static func number(_ placeholder: String, _ expected: String, _ rule: NumberRule? = nil) -> Self {
        Slot(placeholder, expected: expected) { reader, expected in try reader.number(expected, rule) }
    }
}

extension Slot where Value == Located<String> {
    /// A string in double quotes.
    public static func text(_ placeholder: String, _ expected: String) -> Self {
        Slot(placeholder, expected: expected) { try $0.stream.expectString($1) }
    }
}

extension Slot {
    /// One word of a fixed set (`loss mse`), suggesting the near one on a typo.
    public static func choice<T: RawRepresentable & CaseIterable & Sendable & Equatable>(
        _ placeholder: String, _ what: String
    ) -> Slot<Located<T>> where T.RawValue == String, Value == Located<T> {
        Slot(placeholder, expected: what, completing: .words(T.allCases.map(\.rawValue))) {
            try $0.stream.expectChoice(T.self, $1)
        }
    }
}

extension Slot {
    /// One of `words`, read as the value `value` makes of it: `loss mae` is the loss l1.
    public static func word<T>(
        _ placeholder: String, _ what: String, words: [String], _ value: @escaping @Sendable (String) -> T?
    ) -> Slot<Located<T>> where Value == Located<T> {
        Slot(placeholder, expected: what, completing: .words(words)) {
            try $0.stream.expectWord($1, words: words, value)
        }
    }
}

/// An option without its value type: its word, its value's slot, and what the reference says.
public struct OptionDescription: Sendable {
    public var word: String
    /// nil for an option that is a word alone.
    public var slot: SlotDescription?
    /// What it means, for the reference's table of options.
    public var meaning: String
    /// Its value when not given, as the reference says it.
    public var defaultText: String
    let reading: @Sendable (inout StatementReader) throws -> any Sendable
}

public protocol OptionDescribing: Sendable {
    var optionDescription: OptionDescription { get }
}

/// `word VALUE` after a statement's parts, in any order, each at most once.
public struct Option<Value: Sendable>: OptionDescribing, @unchecked Sendable {
    public let word: String
    let slot: Slot<Value>
    let meaning: String
    let defaultText: String

    public init(_ word: String, _ slot: Slot<Value>, meaning: String, default defaultText: String) {
        self.word = word
        self.slot = slot
        self.meaning = meaning
        self.defaultText = defaultText
    }

    public var optionDescription: OptionDescription {
        let slot = self.slot
        return OptionDescription(
            word: word, slot: slot.slotDescription, meaning: meaning, defaultText: defaultText,
            reading: { try slot.reading(&$0) })
    }
}

/// The options given on one line, by their typed descriptions.
public struct OptionValues: Sendable {
    var values: [String: any Sendable] = [:]
    var ranges: [String: SourceRange] = [:]

    public subscript<Value>(_ option: Option<Value>) -> Value? { values[option.word] as? Value }
    /// Where the option's word was written.
    public func range<Value>(of option: Option<Value>) -> SourceRange? { ranges[option.word] }
    /// The options given, by word, in no particular order.
    public var givenWords: [String] { Array(values.keys) }
}

/// The prose of a statement's section in the reference: the part of the reference it belongs
/// in, what follows its synopsis, and the lines of its example block.
public struct StatementHelp: Sendable {
    public var part: ReferencePart
    public var text: String
    public var examples: [String]

    public init(_ part: ReferencePart, _ text: String, examples: [String] = []) {
        self.part = part
        self.text = text
        self.examples = examples
    }
}
