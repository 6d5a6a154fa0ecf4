import Language

extension LessonSession {
    /// The help of the word under the cursor, or a description of the named object.
    public func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
        let scalars = Array(code.unicodeScalars)
        let at = max(0, min(cursor, scalars.count))
        func isWord(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic || (c >= "0" && c <= "9") }
        var start = at, end = at
        while start > 0 && isWord(scalars[start - 1]) { start -= 1 }
        while end < scalars.count && isWord(scalars[end]) { end += 1 }
        guard start < end else { return nil }
        let word = String(String.UnicodeScalarView(scalars[start..<end]))
        if let data = names.data(word) { return MimeBundle(text: data.describe(name: word)) }
        if let model = names.model(word) { return model.describe() }
        if let text = HelpText.section(for: word) { return HelpText.bundle(text) }
        return nil
    }

    public func isComplete(_ code: String) -> Completeness {
        switch Parser.completeness(of: code) {
        case .complete: return .complete
        case .incomplete(let indent): return .incomplete(indent: indent)
        case .invalid: return .invalid
        }
    }
}
