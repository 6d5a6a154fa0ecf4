import XCTest

@testable import Language

final class ParserTests: XCTestCase {
    func parse(_ s: String) -> (Cell, [Diagnostic]) {
        let r = Parser(s).parse()
        return (r.cell, r.diagnostics)
    }

    func only(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> Statement? {
        let (cell, diagnostics) = parse(s)
        XCTAssertEqual(diagnostics, [], file: file, line: line)
        XCTAssertEqual(cell.statements.count, 1, file: file, line: line)
        return cell.statements.first?.statement
    }

    func testEverySketchExampleParses() {
        for example in SketchExamples.all {
            let (cell, diagnostics) = parse(example)
            XCTAssertEqual(
                diagnostics, [], "in:\n\(example)\n" + DiagnosticRenderer(source: example).render(diagnostics))
            XCTAssertFalse(cell.statements.isEmpty)
        }
        XCTAssertEqual(parse(SketchExamples.models).0.statements.count, 6)
        XCTAssertEqual(parse(SketchExamples.lookingInside).0.statements.count, 12)
    }

    func testModelBlockLayers() {
        guard case .model(let m) = only(SketchExamples.models.components(separatedBy: "\n\n")[0]) else {
            return XCTFail("not a model")
        }
        XCTAssertEqual(m.name.value, "ae")
        XCTAssertEqual(
            m.layers.map(\.kind),
            [
                .dense(units: 250, activation: .relu, dropout: nil),
                .latent(units: 16, activation: .tanh, gaussian: false, sparsity: nil),
                .dense(units: 320, activation: .relu, dropout: nil),
                .dense(units: 784, activation: .sigmoid, dropout: nil),
            ])
        XCTAssertEqual(m.layers[1].range.start.line, 3)
        XCTAssertEqual(m.layers[1].range.start.column, 5)
    }

    func testLayerOptionsInAnyOrder() {
        let a = only("model m:\n    conv 4 relu stride 2 kernel 5 padding valid\n    latent 3\n    deconv 1 kernel 3")
        let b = only("model m:\n    conv 4 kernel 5 padding valid relu stride 2\n    latent 3\n    deconv 1 kernel 3")
        guard case .model(let ma) = a, case .model(let mb) = b else { return XCTFail() }
        XCTAssertEqual(ma.layers.map(\.kind), mb.layers.map(\.kind))
        XCTAssertEqual(ma.layers[0].kind, .conv(filters: 4, kernel: 5, stride: 2, padding: .valid, activation: .relu))
        XCTAssertEqual(ma.layers[2].kind, .deconv(filters: 1, kernel: 3, stride: 1, padding: .same, activation: nil))
    }

    func testTrainOptionsInAnyOrder() {
        guard case .train(let t) = only("train ae lr 1e-3 batch 200 on data.train epochs 50 loss l1 noise mask 0.3")
        else { return XCTFail() }
        XCTAssertEqual(t.model.value, "ae")
        XCTAssertEqual(t.learningRate?.value, 0.001)
        XCTAssertEqual(t.batch?.value, 200)
        XCTAssertEqual(t.epochs?.value, 50)
        XCTAssertEqual(t.loss?.value, .l1)
        XCTAssertEqual(t.noise?.value, .mask(0.3))
        XCTAssertEqual(t.data?.base.value, "data")
        XCTAssertEqual(t.data?.accessors.count, 1)
        XCTAssertNil(t.steps)
    }

    func testReferencesWithSlicesAndLabels() {
        guard case .picture(.show(let r)) = only("show data.train[label 3][0:8]") else { return XCTFail() }
        XCTAssertEqual(r.base.value, "data")
        guard r.accessors.count == 3, case .member(let m) = r.accessors[0], case .label(3, _) = r.accessors[1],
            case .slice(0, 8, let sliceRange) = r.accessors[2]
        else { return XCTFail("\(r.accessors)") }
        XCTAssertEqual(m.value, "train")
        XCTAssertEqual(sliceRange.start.column, 25)
        XCTAssertEqual(sliceRange.end.column, 30)
        guard case .expression(let open) = only("data.test[:100]"), case .slice(nil, 100, _) = open.accessors[1] else {
            return XCTFail()
        }
    }

    func testDataSources() {
        guard case .assign(let n, .builtin(.mnist, let train, let test, _)) = only("small = mnist train 6000 test 1000")
        else { return XCTFail() }
        XCTAssertEqual(n.value, "small")
        XCTAssertEqual(train?.value, 6000)
        XCTAssertEqual(test?.value, 1000)
        guard case .assign(_, .idx(let a, let b, let c, let d, _)) = only(#"m = idx "a.gz" "b.gz" test "c" "d""#) else {
            return XCTFail()
        }
        XCTAssertEqual([a.value, b.value, c?.value, d?.value], ["a.gz", "b.gz", "c", "d"])
    }

    func testPictureStatementsFullSyntax() {
        XCTAssertEqual(
            only("generate ae 36 normal 0 0.33"),
            .picture(
                .generate(
                    model: Identifier("ae", range(1, 10, 12)), count: Located(36, range(1, 13, 15)), normal: (0, 0.33)))
        )
        guard
            case .picture(.traverse(_, 2, -1.5, 3, 7, let around)) = only(
                "traverse ae steps 7 to 3 dim 2 from -1.5 around data.test[0]")
        else { return XCTFail() }
        XCTAssertNotNil(around)
        guard case .picture(.embed(nil, _, .tsne, 2, EmbedOptions())) = only("embed data.test[0:2000] tsne") else {
            return XCTFail()
        }
        guard case .picture(.embed(let model?, _, .kernelpca, 3, _)) = only("embed ae data.train kernelpca 3") else {
            return XCTFail()
        }
        XCTAssertEqual(model.value, "ae")
        guard case .picture(.histogram(_, _, 0..<4)) = only("histogram ae data.train dims 0:4") else {
            return XCTFail()
        }
        guard
            case .picture(.embed(nil, _, .tsne, 2, let tsne)) = only(
                "embed data.test tsne iterations 300 perplexity 12.5 seed 4")
        else { return XCTFail() }
        XCTAssertEqual(
            [tsne.perplexity?.value, tsne.iterations.map { Double($0.value) }, tsne.seed.map { Double($0.value) }],
            [12.5, 300, 4])
        guard
            case .picture(.embed(let ae?, _, .kernelpca, 2, let kpca)) = only(
                "embed ae data.test kernelpca kernel poly gamma 0.5")
        else { return XCTFail() }
        XCTAssertEqual([ae.value, kpca.kernel?.value.rawValue], ["ae", "poly"])
        XCTAssertEqual(kpca.gamma?.value, 0.5)
        // Options alone keep the default projection.
        guard case .picture(.embed(nil, _, .pca, 2, _)) = only("embed data.test") else { return XCTFail() }
        for (bad, message) in [
            ("embed data.test tsne perplexity 0", "perplexity must be"),
            ("embed data.test tsne perplexty 5", "perplexity"),
            ("embed data.test tsne seed 1 pca", "the projection comes before the options"),
            ("embed data.test kernelpca kernel sigmoid", "not a kernel"),
        ] {
            let (_, diagnostics) = parse(bad)
            XCTAssertTrue(
                diagnostics.first?.message.contains(message) == true || diagnostics.first?.suggestion == message,
                "\(bad): \(diagnostics)")
        }
        guard case .picture(.plot(let models)) = only("plot deep nodrop") else { return XCTFail() }
        XCTAssertEqual(models.map(\.value), ["deep", "nodrop"])
    }

    private func range(_ line: Int, _ start: Int, _ end: Int) -> SourceRange {
        SourceRange(
            start: SourcePosition(offset: start - 1, line: line, column: start),
            end: SourcePosition(offset: end - 1, line: line, column: end))
    }

    func testAllMistakesOfACellAreCollected() {
        let (cell, diagnostics) = parse("seed 1\ntrian ae\nmodel m:\n    dens 3\n    latent 2 rellu\nwho\nbatch 0")
        XCTAssertEqual(cell.statements.count, 2)  // seed, who
        XCTAssertEqual(diagnostics.map(\.range.start.line), [2, 4, 5, 7])
        XCTAssertEqual(diagnostics.map(\.suggestion), ["train", "dense", "relu", nil])
    }

    func testLearnerMistakes() {
        func first(_ s: String) -> Diagnostic? { parse(s).1.first }
        XCTAssertEqual(first("train ae epocs 3")?.suggestion, "epochs")
        XCTAssertEqual(first("train ae batch 0")?.message, "batch must be at least 1, not 0")
        XCTAssertEqual(first("train ae lr -0.01")?.kind, .value)
        XCTAssertEqual(
            first("model m:\n    dense 4 dropout 1.5\n    latent 2")?.message,
            "dropout must be from 0 up to (not including) 1, not 1.5")
        XCTAssertEqual(first("model m:\n    dense 4\n    dense 784")?.message, "model m has no latent layer")
        XCTAssertEqual(first("model m:\n    latent 4\n    latent 2")?.range.start.line, 3)
        XCTAssertEqual(first("model m:\n    dense 4 sigmod\n    latent 2")?.suggestion, "sigmoid")
        XCTAssertEqual(first("shw data")?.suggestion, "show")
        XCTAssertEqual(first("x = mnist tset 10")?.suggestion, "test")
        XCTAssertEqual(first("model m:\n    pool mx 2\n    latent 2")?.suggestion, "max")
    }

    func testModelInitOption() {
        let layers = "\n    dense 4 relu\n    latent 2\n    dense 784 sigmoid"
        guard case .model(let plain) = only("model m:" + layers) else { return XCTFail("not a model") }
        XCTAssertEqual(plain.initializer, .glorotUniform)
        for scheme in Initializer.allCases {
            guard case .model(let m) = only("model m init \(scheme.rawValue):" + layers) else {
                return XCTFail("not a model")
            }
            XCTAssertEqual(m.initializer, scheme)
            XCTAssertEqual(m.layers.count, 3)
        }
        let typo = "model m init pytroch:" + layers
        let d = parse(typo).1
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d.first?.suggestion, "pytorch")
        XCTAssertEqual(
            DiagnosticRenderer(source: typo).render(d[0]),
            """
            line 1: 'pytroch' is not a weight initialisation
                model m init pytroch:
                             ^^^^^^^
            expected weight initialisation: glorot, kaiming, pytorch
            did you mean 'pytorch'?
            """)
        XCTAssertEqual(parse("model m inti glorot:" + layers).1.first?.suggestion, "init")
        XCTAssertEqual(parse("model m init:" + layers).1.first?.range.start.column, 13)
        XCTAssertEqual(parse("model m init glorot" + layers).1.first?.range.start.line, 1)  // no ':'
    }

    func testRendererPutsCaretUnderThePlace() {
        let source = "seed 1\nmodel ae:\n    dens 250 relu\n    latent 16"
        let d = parse(source).1[0]
        XCTAssertEqual(
            DiagnosticRenderer(source: source).render(d),
            """
            line 3: 'dens' is not a layer kind
                    dens 250 relu
                    ^^^^
            expected a layer kind: dense, latent, conv, deconv, pool, upsample, flatten, reshape, dropout, batchnorm
            did you mean 'dense'?
            """)
    }

    func testSuggestionDistance() {
        XCTAssertEqual(Suggestion.distance("dens", "dense"), 1)
        XCTAssertEqual(Suggestion.distance("lantent", "latent"), 1)
        XCTAssertEqual(Suggestion.distance("tahn", "tanh"), 1)
        XCTAssertNil(Suggestion.nearest(to: "zebra", in: ["dense", "latent"]))
        XCTAssertEqual(Suggestion.nearest(to: "evalu", in: Vocabulary.statements), "evaluate")
    }

    func testCompleteness() {
        XCTAssertEqual(Parser.completeness(of: "data = mnist"), .complete)
        XCTAssertEqual(Parser.completeness(of: "model ae:"), .incomplete(indent: "    "))
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    dense 10 relu"), .incomplete(indent: "    "))
        XCTAssertEqual(
            Parser.completeness(of: "model ae:\n    dense 10 relu\n    latent 2\n    dense 784\n\n"), .complete)
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    latent 2\nwho"), .complete)
        // One Enter on an empty or auto-indented line closes a block with layers, as in IPython.
        let block = "model ae:\n    dense 10 relu\n    latent 2\n    dense 784"
        XCTAssertEqual(Parser.completeness(of: block + "\n"), .complete)
        XCTAssertEqual(Parser.completeness(of: block + "\n    "), .complete)
        XCTAssertEqual(Parser.completeness(of: block + "\n\t \n"), .complete)
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    dense 10 relu\n    "), .invalid)  // no latent
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    dens 10\n    "), .invalid)
        XCTAssertEqual(Parser.completeness(of: block + "\n    # a comment"), .incomplete(indent: "    "))
        // A header without layers stays open on one blank line; a second one closes it.
        XCTAssertEqual(Parser.completeness(of: "model ae:\n"), .incomplete(indent: "    "))
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    "), .incomplete(indent: "    "))
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    \n    "), .invalid)
        XCTAssertEqual(Parser.completeness(of: "model ae init pytorch:"), .incomplete(indent: "    "))
        XCTAssertEqual(Parser.completeness(of: "print \"abc\n"), .incomplete(indent: ""))
        XCTAssertEqual(Parser.completeness(of: "print \"abc"), .incomplete(indent: ""))
        XCTAssertEqual(Parser.completeness(of: "train ae epochs -1"), .invalid)
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    dens 10"), .invalid)
        XCTAssertEqual(Parser.completeness(of: ""), .complete)
    }
}

/// The language reads the engine's own words: a learner's `leakyrelu` is the activation a saved
/// file spells `leaky_relu`, and every word the language offers names one case.
final class SharedTermsTests: XCTestCase {
    func testEveryActivationWordNamesItsCase() {
        XCTAssertEqual(Vocabulary.activations, ["relu", "sigmoid", "tanh", "linear", "leakyrelu", "elu", "softplus"])
        for a in Activation.allCases { XCTAssertEqual(Activation(word: a.word), a) }
        XCTAssertEqual(Activation.leakyRelu.rawValue, "leaky_relu")
        XCTAssertNil(Activation(word: "leaky_relu"), "the file's spelling is not the learner's word")
        let (cell, diagnostics) = Parser("model m:\n    dense 4 leakyrelu\n    latent 2\n    dense 784 sigmoid").parse()
        XCTAssertEqual(diagnostics, [])
        guard case .model(let m) = cell.statements.first?.statement, case .dense(_, let a, _) = m.layers.first?.kind
        else { return XCTFail("not a model with a dense layer") }
        XCTAssertEqual(a, .leakyRelu)
    }
}
