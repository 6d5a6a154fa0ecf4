import Pictures

/// A table with a plain-text twin: every table a learner sees is both `text/html` and
/// `text/plain` (aligned columns), so consoles and notebooks show the same content.
struct Table {
    enum Alignment { case left, right }

    var title: String?
    var columns: [(name: String, alignment: Alignment)]
    var rows: [[String]]
    /// Rows below a rule, e.g. totals.
    var footer: [[String]] = []

    var plainText: String {
        let all = [columns.map(\.name)] + rows + footer
        var widths = columns.map(\.name.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ row: [String]) -> String {
            var parts = [String]()
            for (i, width) in widths.enumerated() {
                let cell = i < row.count ? row[i] : ""
                let pad = String(repeating: " ", count: width - cell.count)
                parts.append(columns[i].alignment == .left ? cell + pad : pad + cell)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        var lines = [String]()
        if let title { lines.append(title) }
        lines.append(line(columns.map(\.name)))
        lines.append(rule)
        lines += rows.map(line)
        if !footer.isEmpty {
            lines.append(rule)
            lines += footer.map(line)
        }
        return lines.joined(separator: "\n")
    }

    var html: String {
        func cells(_ row: [String], tag: String) -> String {
            row.enumerated().map { i, cell in
                let align = i < columns.count && columns[i].alignment == .right ? " style=\"text-align:right\"" : ""
                return "<\(tag)\(align)>\(markupEscaped(cell))</\(tag)>"
            }.joined()
        }
        // The title is a block above the table, not a <caption>: a caption is only as wide as the
        // table and wraps early, leaving a word or two on a line of their own.
        var out = ""
        if let title { out += "<div class=\"latent-table-title\">\(markupEscaped(title))</div>" }
        out += "<table class=\"latent-table\">"
        out += "<thead><tr>\(cells(columns.map(\.name), tag: "th"))</tr></thead><tbody>"
        for row in rows { out += "<tr>\(cells(row, tag: "td"))</tr>" }
        out += "</tbody>"
        if !footer.isEmpty {
            out += "<tfoot>" + footer.map { "<tr>\(cells($0, tag: "th"))</tr>" }.joined() + "</tfoot>"
        }
        return out + "</table>"
    }

    var bundle: MimeBundle {
        MimeBundle(data: ["text/plain": plainText, "text/html": html])
    }
}
