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

    /// Most characters of a source line shown; a longer line is shown around the place.
    static let lineWidth = 120
    /// Most characters of a message, hint or note (a quoted word may be a megabyte long).
    static let textWidth = 300

    /// The first line: where and what.
    public func headline(_ d: Diagnostic) -> String {
        "line \(d.range.start.line): " + Self.clipped(d.message)
    }

    static func clipped(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > textWidth else { return text }
        return String(String.UnicodeScalarView(scalars.prefix(textWidth))) + "…"
    }

    /// The caret block and hints, one string per line (Jupyter's traceback lines).
    public func lines(_ d: Diagnostic) -> [String] {
        var out = [headline(d)]
        let lineIndex = d.range.start.line - 1
        if lineIndex >= 0 && lineIndex < source.count {
            var scalars = Array(source[lineIndex].unicodeScalars)
            var startColumn = max(1, d.range.start.column)
            var endColumn: Int
            if d.range.end.line == d.range.start.line {
                endColumn = max(startColumn + 1, d.range.end.column)
            } else {
                endColumn = max(startColumn + 1, scalars.count + 1)
            }
            var (before, after) = ("", "")
            if scalars.count > Self.lineWidth {
                // A window of the line around the place, marked where it is cut.
                let first = max(0, min(startColumn - 1 - Self.lineWidth / 3, scalars.count - Self.lineWidth))
                let last = min(scalars.count, first + Self.lineWidth)
                if first > 0 { before = "…" }
                if last < scalars.count { after = "…" }
                scalars = Array(scalars[first..<last])
                startColumn = startColumn - first + before.unicodeScalars.count
                endColumn = min(endColumn - first, scalars.count + 1) + before.unicodeScalars.count
                endColumn = max(endColumn, startColumn + 1)
            }
            out.append("    " + before + String(String.UnicodeScalarView(scalars)) + after)
            if !before.isEmpty { scalars.insert(" ", at: 0) }
            // Keep tabs as tabs so the caret lines up under them.
            var pad = ""
            for k in 0..<(startColumn - 1) {
                pad += k < scalars.count && scalars[k] == "\t" ? "\t" : " "
            }
            out.append("    " + pad + String(repeating: "^", count: endColumn - startColumn))
        }
        if let expected = d.expected { out.append("expected " + Self.clipped(expected)) }
        if let suggestion = d.suggestion { out.append("did you mean '\(Self.clipped(suggestion))'?") }
        out.append(contentsOf: d.notes.map(Self.clipped))
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
