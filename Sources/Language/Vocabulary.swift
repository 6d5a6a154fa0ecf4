/// The words of the language that are not statements, in one place, for the parser, completion,
/// suggestions and help. The statement words, their options and their values are in the
/// statement table (`StatementTable`), each statement's in its own grammar.
public enum Vocabulary {
    /// The word that opens a model block (`model NAME:`).
    public static let modelKeyword = "model"
    public static let dataSources = ["mnist", "fashion", "idx"]
    public static let layerKinds = [
        "dense", "latent", "conv", "deconv", "pool", "upsample", "flatten", "reshape", "dropout",
    ]
    public static let activations = Activation.allCases.map(\.word)
    /// The option of a model's header line.
    public static let modelOptions = ["init"]
    /// Options of each layer kind, besides activations.
    public static let layerOptions: [String: [String]] = [
        "dense": ["dropout"],
        "latent": ["gaussian", "sparse"],
        "conv": ["kernel", "stride", "padding"],
        "deconv": ["kernel", "stride", "padding"],
        "pool": PoolKind.allCases.map(\.rawValue),
    ]
    /// Values a word-valued option of a model block takes.
    public static let optionValues: [String: [String]] = [
        "padding": Padding.allCases.map(\.rawValue),
        "init": Initializer.allCases.map(\.rawValue),
    ]
}
