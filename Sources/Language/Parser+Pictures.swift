extension Parser {
    /// The picture statements, each with its full syntax.
    func parsePicture(_ s: inout TokenStream) throws -> PictureStatement {
        guard let word = s.next()?.word else { throw s.unexpected("a statement") }
        switch word {
        case "show":
            let data = try parseReference(&s, "the images to show, e.g. data.test[0:16]")
            try s.expectEnd("show")
            return .show(data: data)
        case "reconstruct":
            let model = try s.expectName("the model's name")
            let data = try parseReference(&s, "the images to reconstruct, e.g. data.test[0:10]")
            try s.expectEnd("reconstruct")
            return .reconstruct(model: model, data: data)
        case "generate":
            let model = try s.expectName("the model's name")
            let count = try s.expectInteger("how many to generate", minimum: 1)
            var normal: (mean: Double, std: Double)?
            try parseOptions(&s, statement: "generate") { _, s in
                let mean = try s.expectNumber("the mean of the codings").value
                let std = try s.expectNumber("the standard deviation of the codings", in: .positive).value
                normal = (mean, std)
            }
            return .generate(model: model, count: count, normal: normal)
        case "interpolate":
            let model = try s.expectName("the model's name")
            let from = try parseReference(&s, "the first image, e.g. data.test[0]")
            let to = try parseReference(&s, "the second image, e.g. data.test[1]")
            var steps = 10
            try parseOptions(&s, statement: "interpolate") { _, s in
                steps = try s.expectInteger("steps", minimum: 2).value
            }
            return .interpolate(model: model, from: from, to: to, steps: steps)
        case "histogram":
            let model = try s.expectName("the model's name")
            let data = try parseReference(&s, "the images to encode, e.g. data.train")
            var dims: Range<Int>?
            try parseOptions(&s, statement: "histogram") { _, s in
                let lo = try s.expectInteger("the first dimension", minimum: 0)
                try s.expectSymbol(":", "':' between the first and the end dimension, e.g. dims 0:4")
                let hi = try s.expectInteger("the end dimension", minimum: lo.value + 1)
                dims = lo.value..<hi.value
            }
            return .histogram(model: model, data: data, dims: dims)
        case "embed":
            let first = try parseReference(&s, "a model and images, or images, e.g. embed ae data.test[0:2000]")
            var model: Identifier?, data = first
            if let t = s.peek, let w = t.word, EmbeddingMethod(rawValue: w) == nil,
                Vocabulary.options["embed"]!.allSatisfy({ Suggestion.distance($0, w) > 2 })
            {
                guard first.accessors.isEmpty else {
                    throw Diagnostic(
                        "the model comes first, then the images", range: first.range,
                        expected: "embed MODEL IMAGES [pca|kernelpca|tsne] [2|3]")
                }
                model = first.base
                data = try parseReference(&s, "the images to embed")
            }
            var method = EmbeddingMethod.pca, dimensions = 2
            if let w = s.peek?.word,
                EmbeddingMethod(rawValue: w.lowercased()) != nil || !Vocabulary.options["embed"]!.contains(w)
            {
                method = try s.expectChoice(EmbeddingMethod.self, "projection").value
            }
            if let t = s.peek, t.word == nil, !s.atEnd {
                let n = try s.expectInteger("the number of dimensions", minimum: 2)
                guard n.value <= 3 else {
                    throw Diagnostic(
                        "embeddings are drawn in 2 or 3 dimensions, not \(n.value)", range: n.range,
                        kind: .value, expected: "2 or 3")
                }
                dimensions = n.value
            }
            var options = EmbedOptions()
            try parseOptions(&s, statement: "embed") { option, s in
                switch option {
                case "perplexity": options.perplexity = try s.expectNumber("the perplexity", in: .positive)
                case "iterations": options.iterations = try s.expectInteger("the number of iterations", minimum: 1)
                case "seed": options.seed = try s.expectInteger("the seed", minimum: 0)
                case "kernel": options.kernel = try s.expectChoice(EmbeddingKernel.self, "kernel")
                case "gamma": options.gamma = try s.expectNumber("gamma", in: .positive)
                default:
                    throw Diagnostic(
                        "the projection comes before the options", range: s.peek(-1)!.range,
                        expected: "embed [MODEL] IMAGES [pca|kernelpca|tsne] [2|3] [OPTIONS]")
                }
            }
            return .embed(model: model, data: data, method: method, dimensions: dimensions, options: options)
        case "weights":
            let model = try s.expectName("the model's name")
            try s.expectEnd("weights")
            return .weights(model: model)
        case "traverse":
            let model = try s.expectName("the model's name")
            var dim = 0, from = -2.0, to = 2.0, steps = 9
            var around: Reference?
            try parseOptions(&s, statement: "traverse") { option, s in
                switch option {
                case "dim": dim = try s.expectInteger("the dimension", minimum: 0).value
                case "from": from = try s.expectNumber("the starting value").value
                case "to": to = try s.expectNumber("the end value").value
                case "steps": steps = try s.expectInteger("steps", minimum: 2).value
                default: around = try parseReference(&s, "an image whose code is varied, e.g. data.test[0]")
                }
            }
            return .traverse(model: model, dim: dim, from: from, to: to, steps: steps, around: around)
        case "progress":
            let model = try s.expectName("the model's name")
            try s.expectEnd("progress")
            return .progress(model: model)
        default:  // plot
            var models = [try s.expectName("a model's name")]
            while !s.atEnd {
                _ = s.consumeSymbol(",")
                models.append(try s.expectName("a model's name"))
            }
            return .plot(models: models)
        }
    }
}
