/// Renders a diagnostic for a learner:
///
///     line 2: 'dens' is not a layer kind
///         dens 250 relu
///         ^^^^
///     expected a layer kind: dense, latent, conv, ...
///     did you mean 'dense'?
public struct DiagnosticRenderer {
    public let source: [String]

    public init(source: String) {
        var lines = [String]()
        var current = String.UnicodeScalarView()
        for scalar in source.unicodeScalars {
            if scalar == "\n" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else if scalar != "\r" {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        self.source = lines
    }

    /// The first line: where and what.
    public func headline(_ d: Diagnostic) -> String {
        "line \(d.range.start.line): \(d.message)"
    }

    /// The caret block and hints, one string per line (Jupyter's traceback lines).
    public func lines(_ d: Diagnostic) -> [String] {
        var out = [headline(d)]
        let lineIndex = d.range.start.line - 1
        if lineIndex >= 0 && lineIndex < source.count {
            let text = source[lineIndex]
            let scalars = Array(text.unicodeScalars)
            out.append("    " + text)
            let startColumn = max(1, d.range.start.column)
            let endColumn: Int
            if d.range.end.line == d.range.start.line {
                endColumn = max(startColumn + 1, d.range.end.column)
            } else {
                endColumn = max(startColumn + 1, scalars.count + 1)
            }
            // Keep tabs as tabs so the caret lines up under them.
            var pad = ""
            for k in 0..<(startColumn - 1) {
                pad += k < scalars.count && scalars[k] == "\t" ? "\t" : " "
            }
            out.append("    " + pad + String(repeating: "^", count: endColumn - startColumn))
        }
        if let expected = d.expected { out.append("expected \(expected)") }
        if let suggestion = d.suggestion { out.append("did you mean '\(suggestion)'?") }
        out.append(contentsOf: d.notes)
        return out
    }

    public func render(_ d: Diagnostic) -> String {
        lines(d).joined(separator: "\n")
    }

    /// Several diagnostics, separated by blank lines.
    public func render(_ ds: [Diagnostic]) -> String {
        ds.map(render).joined(separator: "\n\n")
    }
}
