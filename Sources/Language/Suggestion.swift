/// "Did you mean X?": the nearest candidate by edit distance, when it is near enough to be a typo.
public enum Suggestion {
    /// Levenshtein distance with adjacent transpositions counted as one edit (`lantent`, `dnese`).
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous2 = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                    best = min(best, previous2[j - 2] + 1)
                }
                current[j] = best
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[y.count]
    }

    /// The closest candidate within a distance that grows with the word's length, or one that
    /// the word starts (`dens` -> `dense`); nil when nothing is close.
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        guard !word.isEmpty else { return nil }
        let limit = word.count <= 3 ? 1 : word.count <= 6 ? 2 : 3
        var best: (String, Int)?
        for candidate in candidates where candidate != word {
            let d = distance(word, candidate)
            if d <= limit, best == nil || d < best!.1 { best = (candidate, d) }
        }
        if let best { return best.0 }
        if word.count >= 3 {
            return candidates.first { $0.lowercased().hasPrefix(word.lowercased()) && $0 != word }
        }
        return nil
    }
}
