/// Text made safe to place inside HTML or SVG markup: the five characters that could open a
/// tag, an entity or end an attribute are written as entities. Shared by charts and tables.
public func markupEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}
