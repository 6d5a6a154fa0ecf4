import Language

extension LessonSession {
    /// `print "text" name.member 3`: items joined by spaces, on standard output.
    func printItems(_ items: [PrintItem], _ context: StatementContext) throws -> MimeBundle? {
        var parts = [String]()
        for item in items {
            switch item {
            case .text(let t): parts.append(t.value)
            case .number(let n): parts.append(learnerNumber(n.value))
            case .value(let reference): parts.append(try value(of: reference).text)
            }
        }
        context.output.stream(parts.joined(separator: " ") + "\n", on: .stdout)
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
