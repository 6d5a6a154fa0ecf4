import Foundation
import Language

/// Where a dataset came from, as a recipe that makes it again: the bundled MNIST (or
/// Fashion-MNIST) with its counts, IDX files by their full paths, or a part of another source
/// (`data.train[0:1000]`). A session keeps one for every dataset it names and every model's
/// training data, so that an autosave holds the data by its source, never its pixels, and
/// `restore` can make it again.
indirect enum DataSource: Codable, Equatable, Sendable {
    /// `mnist train 6000 test 1000`
    case builtin(dataset: String, train: Int?, test: Int?)
    /// `idx "images" "labels" [test "images" "labels"]`, the paths made absolute.
    case idx(images: String, labels: String, testImages: String?, testLabels: String?)
    /// `NAME.train[0:1000]`: `steps` applied to what NAME held (its source), as written.
    case part(of: DataSource, name: String, steps: [DataStep])

    /// How the source was written: `mnist train 6000`, `idx "a" "b"`, `data.train[0:1000]`.
    var text: String {
        switch self {
        case .builtin(let which, let train, let test):
            return which + (train.map { " train \($0)" } ?? "") + (test.map { " test \($0)" } ?? "")
        case .idx(let images, let labels, let testImages, let testLabels):
            var text = "idx \"\(images)\" \"\(labels)\""
            if let testImages, let testLabels { text += " test \"\(testImages)\" \"\(testLabels)\"" }
            return text
        case .part(_, let name, let steps):
            return name + steps.map(\.text).joined()
        }
    }

    /// The text, followed for a part by what its name held: `data.train[0:1000] (data: mnist)`.
    var description: String {
        guard case .part(let base, let name, _) = self else { return text }
        return "\(text) (\(name): \(base.description))"
    }
}

/// One member or subscript of a part, as written after a name.
enum DataStep: Codable, Equatable, Sendable {
    case member(String)
    case slice(Int?, Int?)
    case index(Int)
    case label(Int)

    init(_ accessor: Accessor) {
        switch accessor {
        case .member(let m): self = .member(m.value)
        case .slice(let lower, let upper, _): self = .slice(lower, upper)
        case .index(let i, _): self = .index(i)
        case .label(let l, _): self = .label(l)
        }
    }

    var text: String {
        switch self {
        case .member(let m): return "." + m
        case .slice(let lower, let upper): return "[\(lower.map(String.init) ?? ""):\(upper.map(String.init) ?? "")]"
        case .index(let i): return "[\(i)]"
        case .label(let l): return "[label \(l)]"
        }
    }

    /// The accessor it was read from, placed at `range` (a made-again source has no cell).
    func accessor(at range: SourceRange) -> Accessor {
        switch self {
        case .member(let m): return .member(Identifier(m, range))
        case .slice(let lower, let upper): return .slice(lower: lower, upper: upper, range: range)
        case .index(let i): return .index(i, range: range)
        case .label(let l): return .label(l, range: range)
        }
    }
}

extension StatementContext {
    /// The source of what `reference` names: its base name's source with its members and
    /// subscripts after it. Nil when the base has none (not data).
    func source(of reference: Reference) -> DataSource? {
        guard let base = names.source(of: reference.base.value) else { return nil }
        if reference.accessors.isEmpty { return base }
        return .part(of: base, name: reference.base.value, steps: reference.accessors.map(DataStep.init))
    }

    /// Makes a dataset again from its source (for `restore`). Throws the diagnostic that making
    /// it the first time would have thrown: a missing file, a count MNIST does not have, more
    /// memory than the kernel has left.
    func makeAgain(_ source: DataSource, cache: inout [DataSource: DataValue]) throws -> DataValue {
        if let made = cache[source] { return made }
        let value: DataValue
        switch source {
        case .builtin(let which, let train, let test):
            guard let builtin = BuiltinDataset(rawValue: which) else {
                throw Diagnostic("'\(which)' is not a dataset this Latent has", range: range, kind: .data)
            }
            // Weighed against the memory left as `name = mnist` is: restoring is no reason to be
            // killed by the out-of-memory killer.
            try memory.check(
                BuiltinData.loadCost(builtin), for: "loading \(which)", at: range,
                instead: "more memory for this kernel, or fewer models held")
            value = .split(
                try BuiltinData.split(
                    builtin, train: train.map { Located($0, range) }, test: test.map { Located($0, range) },
                    range: range))
        case .idx(let images, let labels, let testImages, let testLabels):
            try memory.check(
                BuiltinData.idxCost([images, labels, testImages, testLabels].compactMap { $0 }),
                for: "loading these files", at: range, instead: "smaller files, or more memory for this kernel")
            value = try BuiltinData.loadIDX(
                trainImages: Located(images, range), trainLabels: Located(labels, range),
                testImages: testImages.map { Located($0, range) }, testLabels: testLabels.map { Located($0, range) })
        case .part(let base, let name, let steps):
            var current = ResolvedValue.data(try makeAgain(base, cache: &cache))
            var described = name
            for step in steps {
                current = try apply(step.accessor(at: range), to: current, described: described)
                described += step.text
            }
            guard case .data(let data) = current else {
                throw Diagnostic("\(source.text) is not data", range: range, kind: .data)
            }
            value = data
        }
        cache[source] = value
        return value
    }
}

extension DataSource: Hashable {}
extension DataStep: Hashable {}
