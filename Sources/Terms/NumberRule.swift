/// A rule a number a learner writes must satisfy, e.g. a learning rate > 0, a dropout rate in
/// [0, 1): statements and layer lines check their numbers with it.
public enum NumberRule: Sendable, Equatable, CustomStringConvertible {
    case positive, nonNegative, fraction

    public func accepts(_ v: Double) -> Bool {
        guard v.isFinite else { return false }
        switch self {
        case .positive: return v > 0
        case .nonNegative: return v >= 0
        case .fraction: return v >= 0 && v < 1
        }
    }

    public var description: String {
        switch self {
        case .positive: return "greater than 0"
        case .nonNegative: return "0 or more"
        case .fraction: return "from 0 up to (not including) 1"
        }
    }
}
