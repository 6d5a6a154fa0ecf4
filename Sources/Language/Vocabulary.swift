/// The words of the language that are neither statements nor layers, in one place, for the
/// parser, completion, suggestions and help. The statement words, their options and values are in
/// the statement table (`StatementTable`), each statement's in its own grammar; layer kinds and
/// their options are declared by each kind in Neural, and the session hands both to the parser.
public enum Vocabulary {
    /// The word that opens a model block (`model NAME:`).
    public static let modelKeyword = "model"
    public static let dataSources = ["mnist", "fashion", "idx"]
    public static let activations = Activation.allCases.map(\.word)
    /// The option of a model's header line.
    public static let modelOptions = ["init"]
    /// Values a word-valued option of a model's header takes.
    public static let optionValues: [String: [String]] = [
        "init": Initializer.allCases.map(\.rawValue)
    ]
}
