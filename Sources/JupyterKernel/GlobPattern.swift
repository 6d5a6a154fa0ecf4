/// A shell-style wildcard pattern matched against a whole string, as IPython's history search
/// does (SQLite GLOB): `*` any run, `?` one character, `[abc]` / `[a-z]` / `[!a]` a class.
/// A pattern with no wildcard at all matches inputs that contain it.
public struct GlobPattern: Sendable {
    private enum Token: Sendable {
        case literal(Character)
        case any
        case anyRun
        case set([ClosedRange<Character>], negated: Bool)
    }

    private let tokens: [Token]

    public init(_ pattern: String) {
        var tokens: [Token] = []
        let characters = Array(pattern)
        var index = 0
        while index < characters.count {
            let c = characters[index]
            switch c {
            case "*": tokens.append(.anyRun)
            case "?": tokens.append(.any)
            case "[":
                if let (set, next) = Self.parseSet(characters, from: index + 1) {
                    tokens.append(set)
                    index = next
                    continue
                }
                tokens.append(.literal(c))
            default: tokens.append(.literal(c))
            }
            index += 1
        }
        let hasWildcard = tokens.contains { if case .literal = $0 { return false } else { return true } }
        if !hasWildcard {
            tokens = [.anyRun] + tokens + [.anyRun]
        }
        self.tokens = tokens
    }

    private static func parseSet(_ c: [Character], from start: Int) -> (Token, Int)? {
        var index = start
        var negated = false
        if index < c.count, c[index] == "!" || c[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<Character>] = []
        var first = true
        while index < c.count {
            if c[index] == "]" && !first { return (.set(ranges, negated: negated), index + 1) }
            first = false
            if index + 2 < c.count, c[index + 1] == "-", c[index + 2] != "]", c[index] <= c[index + 2] {
                ranges.append(c[index]...c[index + 2])
                index += 3
            } else {
                ranges.append(c[index]...c[index])
                index += 1
            }
        }
        return nil
    }

    public func matches(_ text: String) -> Bool {
        let chars = Array(text)
        // Iterative matching with one backtrack point for the last `*`: linear in practice.
        var t = 0
        var p = 0
        var starP = -1
        var starT = 0
        while t < chars.count {
            if p < tokens.count {
                switch tokens[p] {
                case .anyRun:
                    starP = p
                    starT = t
                    p += 1
                    continue
                case .any:
                    t += 1
                    p += 1
                    continue
                case .literal(let l) where l == chars[t]:
                    t += 1
                    p += 1
                    continue
                case .set(let ranges, let negated) where ranges.contains { $0.contains(chars[t]) } != negated:
                    t += 1
                    p += 1
                    continue
                default: break
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < tokens.count, case .anyRun = tokens[p] { p += 1 }
        return p == tokens.count
    }
}
