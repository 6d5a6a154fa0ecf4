import Datasets
import Language

/// The members of a model after a dot, in the order completion and messages list them; each is
/// computed in `apply` below, whose switch names every case.
enum ModelMember: String, CaseIterable {
    case loss, epochs, params, latent, layers
}

/// The members of a dataset after a dot.
enum DataMember: String, CaseIterable {
    case train, test, count
}

/// What a reference stands for once looked up.
enum ResolvedValue {
    case data(DataValue)
    case model(ModelEntry)
    case number(Double)
}

extension StatementContext {
    /// "there is no X", with the names that exist and the nearest of them.
    func unknownName(_ id: Identifier, expected: String, alsoSuggest: [String] = []) -> Diagnostic {
        let listing =
            names.isEmpty
            ? "the session has no names yet (make one with: data = mnist)"
            : "names in this session: "
                + names.order.map { "\($0) (\(names.model($0) != nil ? "model" : "data"))" }.joined(separator: ", ")
        return Diagnostic(
            "there is no '\(id.value)' in this session", range: id.range, kind: .name, expected: expected,
            suggestion: Suggestion.nearest(to: id.value, in: names.order + alsoSuggest), notes: [listing])
    }

    func lookUpModel(_ id: Identifier) throws -> ModelEntry {
        if let model = names.model(id.value) { return model }
        if names.data(id.value) != nil {
            let models = names.modelNames.sorted()
            throw Diagnostic(
                "'\(id.value)' is data, not a model", range: id.range, kind: .name,
                expected: "a model's name" + (models.isEmpty ? "" : ": " + models.joined(separator: ", ")))
        }
        throw unknownName(id, expected: "a model's name")
    }

    func lookUpData(_ reference: Reference, alsoSuggest: [String] = []) throws -> DataValue {
        switch try resolve(reference, expected: "a dataset's name", alsoSuggest: alsoSuggest) {
        case .data(let d): return d
        case .model:
            throw Diagnostic(
                "'\(reference.base.value)' is a model, not data", range: reference.range, kind: .name,
                expected: "images, e.g. data.test[0:16]")
        case .number:
            throw Diagnostic(
                "this is a number, not data", range: reference.range, kind: .name,
                expected: "images, e.g. data.test[0:16]")
        }
    }

    /// Looks a reference up and applies its members and subscripts.
    func resolve(
        _ reference: Reference, expected: String = "the name of a dataset or a model",
        alsoSuggest: [String] = StatementTable.lesson.words
    ) throws -> ResolvedValue {
        let base = reference.base
        var current: ResolvedValue
        if let d = names.data(base.value) {
            current = .data(d)
        } else if let m = names.model(base.value) {
            current = .model(m)
        } else {
            throw unknownName(base, expected: expected, alsoSuggest: alsoSuggest)
        }
        var described = base.value
        for accessor in reference.accessors {
            current = try apply(accessor, to: current, described: described)
            described += sourceText(of: accessor)
        }
        return current
    }

    private func sourceText(of accessor: Accessor) -> String {
        switch accessor {
        case .member(let m): return "." + m.value
        case .slice(let lo, let hi, _): return "[\(lo.map(String.init) ?? ""):\(hi.map(String.init) ?? "")]"
        case .index(let i, _): return "[\(i)]"
        case .label(let l, _): return "[label \(l)]"
        }
    }

    /// One member or subscript applied to a value; `described` names the value in messages.
    func apply(_ accessor: Accessor, to value: ResolvedValue, described: String) throws -> ResolvedValue {
        switch (value, accessor) {
        case (.model(let m), .member(let member)):
            guard let which = ModelMember(rawValue: member.value) else {
                let members = ModelMember.allCases.map(\.rawValue)
                throw Diagnostic(
                    "a model has no member '\(member.value)'", range: member.range, kind: .name,
                    expected: "one of: " + members.joined(separator: ", "),
                    suggestion: Suggestion.nearest(to: member.value, in: members))
            }
            switch which {
            case .loss:
                guard let loss = m.lastLoss else {
                    throw Diagnostic(
                        "\(described) has not been trained yet, so it has no loss", range: member.range, kind: .value,
                        expected: "train \(described) on DATA first")
                }
                return .number(loss)
            case .epochs: return .number(m.epochsTrained)
            case .params:
                guard let count = m.parameterCount else {
                    throw Diagnostic(
                        "\(described) cannot be built for 28x28x1 images, so its parameters are not known yet",
                        range: member.range, kind: .shape, expected: "summary \(described) to see where it does not fit"
                    )
                }
                return .number(Double(count))
            case .latent: return .number(Double(m.latentSize))
            case .layers: return .number(Double(m.specs.count))
            }
        case (.model, _):
            throw Diagnostic(
                "a model cannot be sliced", range: accessor.range, kind: .value,
                expected: "a member: " + ModelMember.allCases.map(\.rawValue).joined(separator: ", "))
        case (.number, _):
            throw Diagnostic(
                "a number has no members or parts", range: accessor.range, kind: .value, expected: "the end")
        case (.data(let d), .member(let member)):
            guard let which = DataMember(rawValue: member.value) else {
                let members = DataMember.allCases.map(\.rawValue)
                throw Diagnostic(
                    "data has no member '\(member.value)'", range: member.range, kind: .name,
                    expected: "one of: " + members.joined(separator: ", "),
                    suggestion: Suggestion.nearest(to: member.value, in: members))
            }
            switch (d, which) {
            case (.split(let s), .train): return .data(.images(s.train))
            case (.split(let s), .test): return .data(.images(s.test))
            case (.images, .train), (.images, .test):
                throw Diagnostic(
                    "\(described) is one set of images, without train and test parts", range: member.range,
                    kind: .value, expected: "a slice like [0:16] or a filter like [label 3]")
            case (.split(let s), .count): return .number(Double(s.train.count + s.test.count))
            case (.images(let i), .count): return .number(Double(i.count))
            }
        case (.data(.split(let s)), _):
            // A subscript on a whole split applies to both parts.
            return .data(
                .split(
                    TrainTestSplit(
                        train: try subscriptImages(s.train, accessor, described: described + ".train"),
                        test: try subscriptImages(s.test, accessor, described: described + ".test"))))
        case (.data(.images(let images)), _):
            return .data(.images(try subscriptImages(images, accessor, described: described)))
        }
    }

    private func subscriptImages(_ images: LabelledImages, _ accessor: Accessor, described: String) throws
        -> LabelledImages
    {
        let n = images.count
        func position(_ i: Int) -> Int { i < 0 ? n + i : i }
        switch accessor {
        case .member: return images
        case .index(let i, let range):
            let p = position(i)
            guard p >= 0 && p < n else {
                throw Diagnostic(
                    "\(described) holds \(grouped(n)) images, so [\(i)] is out of range", range: range,
                    kind: .value,
                    expected: n == 0 ? "a part that holds images" : "an index from 0 to \(n - 1) (or -\(n) to -1)")
            }
            return images.slice(p..<(p + 1))
        case .slice(let lo, let hi, let range):
            let a = position(lo ?? 0), b = position(hi ?? n)
            guard a >= 0 && b <= n && a <= b else {
                throw Diagnostic(
                    "\(described) holds \(grouped(n)) images, so [\(lo.map(String.init) ?? ""):\(hi.map(String.init) ?? "")] is out of range",
                    range: range, kind: .value, expected: "a range within 0:\(n)")
            }
            return images.slice(a..<b)
        case .label(let l, let range):
            let indices = images.labels.indices.filter { Int(images.labels[$0]) == l }
            guard !indices.isEmpty else {
                let present = Set(images.labels.map(Int.init)).sorted()
                let shown =
                    present.count <= 12 ? present.map(String.init).joined(separator: ", ") : "\(present.count) labels"
                throw Diagnostic(
                    "no image in \(described) has label \(l)", range: range, kind: .value,
                    expected: "a label that occurs: \(shown)")
            }
            return images.subset(indices)
        }
    }
}
