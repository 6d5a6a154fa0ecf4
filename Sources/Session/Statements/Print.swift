import Language

/// `print ITEM...`: strings, numbers and values on standard output.
struct Print: SessionStatement {
    static let keyword = "print"
    enum Item: Sendable, Equatable {
        case text(Located<String>)
        case number(Located<Double>)
        case value(Reference)
    }
    static let items = Slot<[Item]>(
        "ITEM...", expected: "a \"string\", a number or a name to print", completing: .names
    ) {
        line, expected in
        var items = [Item]()
        while let t = line.peek {
            switch t.kind {
            case .string(let text, _):
                line.next()
                items.append(.text(Located(text, t.range)))
            case .number, .symbol("-"):
                items.append(.number(try line.number("a number")))
            case .word:
                items.append(.value(try line.reference("a name")))
            default:
                throw line.unexpected(expected)
            }
            _ = line.consumeSymbol(",")
        }
        return items
    }
    static let grammar = Grammar(parts: [items])
    static let help = StatementHelp(
        .session, "strings, numbers and values (`print \"loss\" ae.loss`) on standard output, separated by spaces.")

    let items: [Item]

    static func parse(_ line: inout StatementReader) throws -> Print { Print(items: try line.read(items)) }
    func run(_ context: StatementContext) throws -> MimeBundle? { try context.printItems(items) }
}

extension StatementContext {
    /// `print "text" name.member 3`: items joined by spaces, on standard output.
    fileprivate func printItems(_ items: [Print.Item]) throws -> MimeBundle? {
        var parts = [String]()
        for item in items {
            switch item {
            case .text(let t): parts.append(t.value)
            case .number(let n): parts.append(learnerNumber(n.value))
            case .value(let reference): parts.append(try value(of: reference).text)
            }
        }
        output.stream(parts.joined(separator: " ") + "\n", on: .stdout)
        return nil
    }

    /// A bare name, member or slice: its description.
    func value(of reference: Reference) throws -> MimeBundle {
        switch try resolve(reference) {
        case .number(let v): return MimeBundle(text: learnerNumber(v))
        case .data(let d):
            let shown = reference.accessors.isEmpty ? reference.base.value : sourceName(reference)
            return MimeBundle(text: d.describe(name: shown))
        case .model(let m): return m.describe()
        }
    }

    func sourceName(_ reference: Reference) -> String {
        var s = reference.base.value
        for a in reference.accessors {
            switch a {
            case .member(let m): s += "." + m.value
            case .slice(let lo, let hi, _): s += "[\(lo.map(String.init) ?? ""):\(hi.map(String.init) ?? "")]"
            case .index(let i, _): s += "[\(i)]"
            case .label(let l, _): s += "[label \(l)]"
            }
        }
        return s
    }
}
