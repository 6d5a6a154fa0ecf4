import Language

public enum LossName: String, Sendable, Equatable, CaseIterable, Codable {
    case mse, l1, mae, bce
}

public enum OptimizerName: String, Sendable, Equatable, CaseIterable, Codable {
    case adam, sgd, rmsprop
}

/// `noise gaussian S`, `noise mask P` or `noise none` after `train`.
enum NoiseSyntax: Sendable, Equatable {
    /// Add N(0, std²) to the inputs.
    case gaussian(Double)
    /// Zero each input pixel with this probability.
    case mask(Double)
    case none

    static let words = ["gaussian", "mask", "none"]

    static func read(_ line: inout StatementReader, _ expected: String) throws -> Located<NoiseSyntax> {
        let start = line.hereRange
        guard let t = line.peek, let w = t.word else { throw line.unexpected(expected) }
        switch w {
        case "gaussian":
            line.next()
            let std = try line.number("the noise's standard deviation", .nonNegative)
            return Located(.gaussian(std.value), start.union(std.range))
        case "mask":
            line.next()
            let p = try line.number("the masked fraction", .fraction)
            return Located(.mask(p.value), start.union(p.range))
        case "none":
            line.next()
            return Located(.none, t.range)
        default:
            throw Diagnostic(
                "'\(w)' is not a kind of noise", range: t.range, expected: "gaussian STD, mask P or none",
                suggestion: Suggestion.nearest(to: w, in: words))
        }
    }
}
