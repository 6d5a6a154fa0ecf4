/// The words of the language, in one place, for the parser, completion, suggestions and help.
/// Layer kinds and their options are not here: each kind declares its grammar in Neural, and the
/// session hands the table to the parser (`Parser(_:layers:)`).
public enum Vocabulary {
    /// Statement words, in the order `help` lists them.
    public static let statements = [
        "model", "summary", "train", "why", "evaluate", "seed", "who", "print", "save", "load", "delete", "help",
        "show", "reconstruct", "generate", "interpolate", "histogram", "embed", "weights", "traverse",
        "progress", "plot",
    ]
    public static let pictureStatements = [
        "show", "reconstruct", "generate", "interpolate", "histogram", "embed", "weights", "traverse",
        "progress", "plot",
    ]
    public static let dataSources = ["mnist", "fashion", "idx"]
    public static let activations = Activation.allCases.map(\.word)
    /// Options of each statement (the words that may follow its required parts).
    public static let options: [String: [String]] = [
        "train": ["on", "epochs", "steps", "batch", "loss", "optimizer", "lr", "noise"],
        "evaluate": ["on"],
        "generate": ["normal"],
        "interpolate": ["steps"],
        "histogram": ["dims"],
        "embed": EmbeddingMethod.allCases.map(\.rawValue) + ["perplexity", "iterations", "seed", "kernel", "gamma"],
        "traverse": ["dim", "from", "to", "steps", "around"],
        "model": ["init"],
    ]
    /// Values a word-valued option takes.
    public static let optionValues: [String: [String]] = [
        "loss": LossName.allCases.map(\.rawValue),
        "optimizer": OptimizerName.allCases.map(\.rawValue),
        "noise": ["gaussian", "mask", "none"],
        "init": Initializer.allCases.map(\.rawValue),
    ]
    /// Members of models and datasets after a dot.
    public static let modelMembers = ["loss", "epochs", "params"]
    public static let dataMembers = ["train", "test", "count"]

    /// Words that cannot name a dataset or model.
    public static let reserved = Set(statements + dataSources)
}
