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
        let latents = layers.filter { if case .latent = $0.kind { return true } else { return false } }
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

    func parseLayer(_ s: inout TokenStream) throws -> LayerSyntax {
        let start = s.hereRange
        guard let t = s.peek, let word = t.word else {
            throw s.unexpected("a layer kind: " + Vocabulary.layerKinds.joined(separator: ", "))
        }
        let kindList = "a layer kind: " + Vocabulary.layerKinds.joined(separator: ", ")
        guard Vocabulary.layerKinds.contains(word) else {
            if Vocabulary.activations.contains(word) {
                throw Diagnostic(
                    "'\(word)' is an activation, not a layer", range: t.range,
                    expected: kindList + " (put the activation after it, e.g. dense 250 \(word))")
            }
            throw Diagnostic(
                "'\(word)' is not a layer kind", range: t.range, expected: kindList,
                suggestion: Suggestion.nearest(to: word, in: Vocabulary.layerKinds))
        }
        _ = s.next()
        let kind: LayerKind
        switch word {
        case "dense":
            let units = try s.expectSize("the number of units")
            var activation: Activation?, dropout: Double?
            try parseLayerOptions(&s, layer: "dense", activation: &activation) { option, s in
                dropout = try s.expectNumber("dropout", in: .fraction).value
            }
            kind = .dense(units: units.value, activation: activation, dropout: dropout)
        case "latent":
            let units = try s.expectSize("the size of the code")
            var activation: Activation?, gaussian = false, sparsity: SparsitySyntax?
            try parseLayerOptions(&s, layer: "latent", activation: &activation) { option, s in
                if option == "gaussian" {
                    gaussian = true
                    return
                }
                if s.consumeWord("kl") {
                    let target = try s.expectNumber("the target rate", in: .fraction).value
                    var weight = 1.0
                    if s.consumeWord("weight") { weight = try s.expectNumber("the weight", in: .nonNegative).value }
                    sparsity = .kl(target: target, weight: weight)
                } else {
                    sparsity = .l1(
                        weight: try s.expectNumber("the L1 weight (e.g. 1e-5) or kl", in: .nonNegative).value)
                }
            }
            if gaussian && activation != nil {
                throw Diagnostic(
                    "a gaussian latent takes no activation", range: s.range(from: start), kind: .value,
                    expected: "latent N gaussian (the mean and log-variance are linear)")
            }
            kind = .latent(units: units.value, activation: activation, gaussian: gaussian, sparsity: sparsity)
        case "conv", "deconv":
            let filters = try s.expectSize("the number of filters")
            var activation: Activation?, kernel = 3, stride = 1, padding = Padding.same
            try parseLayerOptions(&s, layer: word, activation: &activation) { option, s in
                switch option {
                case "kernel": kernel = try s.expectSize("the kernel size", maximum: 256).value
                case "stride": stride = try s.expectSize("the stride", maximum: 256).value
                default: padding = try s.expectChoice(Padding.self, "padding").value
                }
            }
            kind =
                word == "conv"
                ? .conv(
                    filters: filters.value, kernel: kernel, stride: stride, padding: padding, activation: activation)
                : .deconv(
                    filters: filters.value, kernel: kernel, stride: stride, padding: padding, activation: activation)
        case "pool":
            var pool = PoolKind.max
            if let w = s.peek?.word {
                pool = try s.expectChoice(PoolKind.self, "kind of pooling").value
                _ = w
            }
            var size = 2
            if !s.atEnd { size = try s.expectSize("the pool size", maximum: 256).value }
            try s.expectEnd("pool")
            kind = .pool(pool, size: size)
        case "upsample":
            var factor = 2
            if !s.atEnd { factor = try s.expectSize("the upsampling factor", maximum: 256).value }
            try s.expectEnd("upsample")
            kind = .upsample(factor: factor)
        case "flatten":
            try s.expectEnd("flatten")
            kind = .flatten
        case "reshape":
            var dims = [try s.expectSize("a size").value]
            while !s.atEnd && dims.count < 3 { dims.append(try s.expectSize("a size").value) }
            try s.expectEnd("reshape (at most three sizes: height width channels)")
            kind = .reshape(dims)
        default:  // dropout
            kind = .dropout(rate: try s.expectNumber("dropout", in: .fraction).value)
            try s.expectEnd("dropout")
        }
        return LayerSyntax(kind: kind, range: s.range(from: start))
    }

    /// An activation word and the layer's own options, in any order.
    private func parseLayerOptions(
        _ s: inout TokenStream, layer: String, activation: inout Activation?,
        _ parseOption: (String, inout TokenStream) throws -> Void
    ) throws {
        let options = Vocabulary.layerOptions[layer] ?? []
        var seen = Set<String>()
        while let t = s.peek {
            guard let w = t.word else {
                throw Diagnostic(
                    "\(t.describedForLearner) does not fit here", range: t.range,
                    expected: "an activation (\(Vocabulary.activations.joined(separator: ", "))) or "
                        + (options.isEmpty ? "the end of the line" : options.joined(separator: ", ")))
            }
            if !seen.insert(w).inserted || (activation != nil && Activation(word: w) != nil) {
                throw Diagnostic("\(w) is given twice", range: t.range, kind: .value, expected: "each option once")
            }
            if let a = Activation(word: w) {
                _ = s.next()
                activation = a
            } else if options.contains(w) {
                _ = s.next()
                try parseOption(w, &s)
            } else {
                let all = Vocabulary.activations + options
                let near = Suggestion.nearest(to: w, in: all)
                let isActivationTypo = near.map { Vocabulary.activations.contains($0) } ?? false
                throw Diagnostic(
                    isActivationTypo ? "'\(w)' is not an activation" : "'\(w)' is not an option of \(layer)",
                    range: t.range,
                    expected: "an activation (\(Vocabulary.activations.joined(separator: ", ")))"
                        + (options.isEmpty ? "" : " or an option of \(layer): " + options.joined(separator: ", ")),
                    suggestion: near)
            }
        }
    }
}
