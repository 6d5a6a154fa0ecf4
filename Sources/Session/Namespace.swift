/// The names of a session, each bound to a dataset or a model, in the order they were defined.
/// Every statement that makes, replaces or deletes a name goes through here, so that replacing
/// is done, and said, one way.
struct Namespace {
    enum Binding {
        case data(DataValue)
        case model(ModelEntry)
    }

    private var bindings: [String: Binding] = [:]
    /// Where each dataset came from (autosave keeps data by its source, not its pixels).
    private var sources: [String: DataSource] = [:]
    /// Names in the order they were (last) defined, for `who` and suggestions.
    private(set) var order: [String] = []

    var isEmpty: Bool { order.isEmpty }

    func contains(_ name: String) -> Bool { bindings[name] != nil }

    func data(_ name: String) -> DataValue? {
        if case .data(let d) = bindings[name] { return d }
        return nil
    }

    func model(_ name: String) -> ModelEntry? {
        if case .model(let m) = bindings[name] { return m }
        return nil
    }

    /// How the dataset `name` was made, for autosave and `restore`.
    func source(of name: String) -> DataSource? { sources[name] }

    var modelNames: [String] { order.filter { model($0) != nil } }
    var dataNames: [String] { order.filter { data($0) != nil } }

    /// Binds `name` (last in `order`), replacing whatever it named. Returns what the learner is
    /// told about the replacement, e.g. " (replaces the earlier ae, trained 3 epochs)", or "".
    @discardableResult
    mutating func bind(_ name: String, to binding: Binding, source: DataSource? = nil) -> String {
        let note = bindings[name].map { Self.replacementNote(name, old: $0, new: binding) } ?? ""
        delete(name)
        bindings[name] = binding
        if case .data = binding { sources[name] = source }
        order.append(name)
        return note
    }

    mutating func delete(_ name: String) {
        bindings[name] = nil
        sources[name] = nil
        order.removeAll { $0 == name }
    }

    /// What a learner is told when a definition replaces a name: what it was, and the training a
    /// model loses with it.
    static func replacementNote(_ name: String, old: Binding, new: Binding) -> String {
        switch (old, new) {
        case (.data(let d), .data):
            return " (replaces the earlier \(name): \(d.sizeText))"
        case (.data, .model):
            return " (replaces the data \(name))"
        case (.model(let m), .data):
            return " (replaces the model \(name), trained \(learnerNumber(m.epochsTrained)) epochs)"
        case (.model(let m), .model):
            return m.epochsTrained > 0
                ? " (replaces the earlier \(name), trained \(learnerNumber(m.epochsTrained)) epochs)"
                : " (replaces the earlier \(name))"
        }
    }
}
