import Foundation

/// A table as HTML (for notebooks) with a plain-text twin whose columns line up in a terminal.
/// Numeric-looking cells are right-aligned, others left-aligned.
public struct Table: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]
    public var caption: String?

    public init(header: [String], rows: [[String]], caption: String? = nil) {
        self.header = header
        self.rows = rows
        self.caption = caption
    }

    var columnCount: Int { max(header.count, rows.map(\.count).max() ?? 0) }

    func cell(_ row: [String], _ column: Int) -> String { column < row.count ? row[column] : "" }

    static func looksNumeric(_ s: String) -> Bool {
        let trimmed = s.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return false }
        return trimmed.allSatisfy { "0123456789.,-+eE%x".contains($0) } && trimmed.contains(where: \.isNumber)
    }

    /// Right-align a column when all its non-empty body cells look numeric.
    func rightAligned(_ column: Int) -> Bool {
        let cells = rows.map { cell($0, column) }.filter { !$0.isEmpty }
        return !cells.isEmpty && cells.allSatisfy(Self.looksNumeric)
    }

    public var plainText: String {
        let n = columnCount
        let widths = (0..<n).map { c in ([header] + rows).map { cell($0, c).count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            (0..<n).map { c in
                let text = cell(row, c)
                let pad = String(repeating: " ", count: widths[c] - text.count)
                return rightAligned(c) ? pad + text : text + pad
            }.joined(separator: "  ").replacingTrailingSpaces()
        }
        var out = [String]()
        if let caption { out.append(caption) }
        out.append(line(header))
        out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    public var html: String {
        let n = columnCount
        var out = "<table>\n"
        if let caption { out += "<caption>\(markupEscaped(caption))</caption>\n" }
        out += "<thead><tr>"
        for c in 0..<n {
            let align = rightAligned(c) ? "right" : "left"
            out += "<th style=\"text-align: \(align)\">\(markupEscaped(cell(header, c)))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for c in 0..<n {
                let align = rightAligned(c) ? "right" : "left"
                out += "<td style=\"text-align: \(align)\">\(markupEscaped(cell(row, c)))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>"
        return out
    }
}

extension String {
    fileprivate func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
