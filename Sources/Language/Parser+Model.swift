extension Parser {
    /// `model NAME:` and its indented layers. Each layer line's mistakes are collected; the
    /// model is returned only when the whole block is right.
    func parseModel(header: SourceLine, body: [SourceLine], badLines: Set<Int>, diagnostics: inout [Diagnostic])
        -> ModelSyntax?
    {
        var s = TokenStream(header, reserved: reserved)
        _ = s.next()
        let name: Identifier
        var initializer = Initializer.glorotUniform
        do {
            name = try s.expectName("the model's name, e.g. model ae:")
            if let t = s.peek, let w = t.word {
                guard w == "init" else {
                    throw Diagnostic(
                        "'\(w)' is not an option of model", range: t.range,
                        expected: "':' after the model's name (model \(name.value):) or the option init",
                        suggestion: Suggestion.nearest(to: w, in: ["init"]))
                }
                _ = s.next()
                initializer = try s.expectChoice(Initializer.self, "weight initialisation").value
            }
            try s.expectSymbol(":", "':' after the model's name (model \(name.value):)")
            try s.expectEnd("a model header (its layers go on the indented lines below)")
        } catch let d as Diagnostic {
            diagnostics.append(d)
            return nil
        } catch { return nil }

        var layers = [LayerSyntax]()
        var failed = false
        for line in body {
            if badLines.contains(line.number) {
                failed = true
                continue
            }
            var ls = TokenStream(line, reserved: reserved)
            do {
                layers.append(try parseLayer(&ls))
            } catch let d as Diagnostic {
                diagnostics.append(d)
                failed = true
            } catch {}
        }
        if body.isEmpty {
            diagnostics.append(
                Diagnostic(
                    "model \(name.value) has no layers", range: header.range,
                    expected: "its layers on the lines below, indented, e.g.\n        dense 250 relu\n        latent 16"
                ))
            return nil
        }
        let latents = layers.filter { self.layers[keyword: $0.keyword]?.isLatent == true }
        if !failed && latents.isEmpty {
            diagnostics.append(
                Diagnostic(
                    "model \(name.value) has no latent layer", range: name.range,
                    expected: "exactly one 'latent N' line: the bottleneck between the encoder and the decoder"))
            failed = true
        }
        if latents.count > 1 {
            diagnostics.append(
                Diagnostic(
                    "model \(name.value) has a second latent line", range: latents[1].range,
                    expected: "exactly one 'latent N' line (the first is on line \(latents[0].range.start.line))"))
            failed = true
        }
        return failed
            ? nil : ModelSyntax(name: name, layers: layers, headerRange: header.range, initializer: initializer)
    }

    /// One layer line, read by its kind's grammar (see LayerGrammar in Terms).
    func parseLayer(_ s: inout TokenStream) throws -> LayerSyntax {
        let start = s.hereRange
        let kindList = "a layer kind: " + layers.keywords.joined(separator: ", ")
        guard let t = s.peek, let word = t.word else { throw s.unexpected(kindList) }
        guard let grammar = layers[keyword: word] else {
            if Vocabulary.activations.contains(word) {
                throw Diagnostic(
                    "'\(word)' is an activation, not a layer", range: t.range,
                    expected: kindList + " (put the activation after it, e.g. dense 250 \(word))")
            }
            throw Diagnostic(
                "'\(word)' is not a layer kind", range: t.range, expected: kindList,
                suggestion: Suggestion.nearest(to: word, in: layers.keywords))
        }
        _ = s.next()
        var line = LayerLine(word)
        var ranges = [String: SourceRange]()
        for argument in grammar.arguments {
            let at = s.hereRange
            let present: Bool
            switch argument.presence {
            case .required, .repeated: present = true
            case .optional:
                if case .choice = argument.value { present = s.peek?.word != nil } else { present = !s.atEnd }
            }
            guard present else {
                if case .optional(let value) = argument.presence { line.values[argument.name] = value }
                continue
            }
            var value = try parseValue(argument.value, &s)
            if case .repeated(let maximum) = argument.presence {
                var list = [value]
                while !s.atEnd && list.count < maximum { list.append(try parseValue(argument.value, &s)) }
                value = .list(list)
            }
            line.values[argument.name] = value
            ranges[argument.name] = s.range(from: at)
        }
        if grammar.takesOptions {
            try parseLayerOptions(&s, grammar: grammar, line: &line, ranges: &ranges)
        } else {
            try s.expectEnd(grammar.ending)
        }
        for option in grammar.options where line.values[option.word] == nil {
            if let value = option.defaultValue { line.values[option.word] = value }
        }
        for conflict in grammar.conflicts where conflict.slots.allSatisfy({ ranges[$0] != nil }) {
            throw Diagnostic(conflict.message, range: s.range(from: start), kind: .value, expected: conflict.expected)
        }
        return LayerSyntax(line: line, ranges: ranges, range: s.range(from: start))
    }

    /// One value as its grammar writes it.
    private func parseValue(_ grammar: ValueGrammar, _ s: inout TokenStream) throws -> LayerValue {
        switch grammar {
        case .size(let what, let maximum): return .integer(try s.expectSize(what, maximum: maximum).value)
        case .number(let what, let rule): return .number(try s.expectNumber(what, in: rule).value)
        case .choice(let what, let words):
            return .word(try s.expectWord(what, words: words) { words.contains($0) ? $0 : nil }.value)
        case .forms(let forms, let otherwise):
            for form in forms where s.consumeWord(form.word) {
                var values = [LayerValue]()
                for part in form.parts {
                    if let word = part.word, !s.consumeWord(word) {
                        values.append(part.defaultValue ?? .flag)
                    } else {
                        values.append(try parseValue(part.value, &s))
                    }
                }
                return .form(form.word, values)
            }
            return try parseValue(otherwise, &s)
        }
    }

    /// An activation word (when the kind takes one) and the kind's options, in any order.
    private func parseLayerOptions(
        _ s: inout TokenStream, grammar: LayerGrammar, line: inout LayerLine, ranges: inout [String: SourceRange]
    ) throws {
        let layer = grammar.keyword, options = grammar.optionWords
        let activations = grammar.takesActivation ? Vocabulary.activations : []
        let activationList = "an activation (\(Vocabulary.activations.joined(separator: ", ")))"
        var seen = Set<String>()
        while let t = s.peek {
            guard let w = t.word else {
                throw Diagnostic(
                    "\(t.describedForLearner) does not fit here", range: t.range,
                    expected: grammar.takesActivation
                        ? activationList + " or "
                            + (options.isEmpty ? "the end of the line" : options.joined(separator: ", "))
                        : "an option of \(layer) (\(options.joined(separator: ", "))) or the end of the line")
            }
            let activation = activations.contains(w) ? Activation(word: w) : nil
            if !seen.insert(w).inserted || (line.activation != nil && activation != nil) {
                throw Diagnostic("\(w) is given twice", range: t.range, kind: .value, expected: "each option once")
            }
            if let activation {
                _ = s.next()
                line.values[LayerLine.activationSlot] = .word(activation.word)
                ranges[LayerLine.activationSlot] = t.range
            } else if let option = grammar.options.first(where: { $0.word == w }) {
                _ = s.next()
                line.values[w] = try option.value.map { try parseValue($0, &s) } ?? .flag
                ranges[w] = s.range(from: t.range)
            } else {
                let all = activations + options
                let near = Suggestion.nearest(to: w, in: all)
                let isActivationTypo = near.map { activations.contains($0) } ?? false
                throw Diagnostic(
                    isActivationTypo ? "'\(w)' is not an activation" : "'\(w)' is not an option of \(layer)",
                    range: t.range,
                    expected: grammar.takesActivation
                        ? activationList
                            + (options.isEmpty ? "" : " or an option of \(layer): " + options.joined(separator: ", "))
                        : "an option of \(layer): " + options.joined(separator: ", "),
                    suggestion: near)
            }
        }
    }
}
