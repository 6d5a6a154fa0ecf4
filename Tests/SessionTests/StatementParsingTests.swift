import XCTest

@testable import Language
@testable import Session

/// The lesson's statements as the parser reads them through the statement table: each statement's
/// grammar and parse, with the session's real table.
final class StatementParsingTests: XCTestCase {
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

    /// The one statement of `s`, as the table's type `T`.
    func only<T: StatementSyntax>(_ s: String, as: T.Type, file: StaticString = #filePath, line: UInt = #line) -> T? {
        guard case .command(let c) = only(s, file: file, line: line) else { return nil }
        return c as? T
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

    func testTrainOptionsInAnyOrder() {
        guard let t = only("train ae lr 1e-3 batch 200 on data.train epochs 50 loss l1 noise mask 0.3", as: Train.self)
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
        guard let r = only("show data.train[label 3][0:8]", as: Show.self)?.images else { return XCTFail() }
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

    func testPictureStatementsFullSyntax() {
        XCTAssertEqual(
            only("generate ae 36 normal 0 0.33", as: Generate.self),
            Generate(
                model: Identifier("ae", range(1, 10, 12)), count: Located(36, range(1, 13, 15)),
                normal: .init(mean: 0, std: 0.33)))
        guard let t = only("traverse ae steps 7 to 3 dim 2 from -1.5 around data.test[0]", as: Traverse.self) else {
            return XCTFail()
        }
        XCTAssertEqual([Double(t.dim), t.from, t.to, Double(t.steps)], [2, -1.5, 3, 7])
        XCTAssertNotNil(t.around)
        guard let e = only("embed data.test[0:2000] tsne", as: Embed.self),
            e.model == nil, e.method == .tsne, e.dimensions == 2, e.options == EmbedOptions()
        else { return XCTFail() }
        guard let k = only("embed ae data.train kernelpca 3", as: Embed.self), let model = k.model,
            k.method == .kernelpca, k.dimensions == 3
        else { return XCTFail() }
        XCTAssertEqual(model.value, "ae")
        XCTAssertEqual(only("histogram ae data.train dims 0:4", as: Histogram.self)?.dims, 0..<4)
        guard let t2 = only("embed data.test tsne iterations 300 perplexity 12.5 seed 4", as: Embed.self),
            t2.model == nil, t2.method == .tsne, t2.dimensions == 2
        else { return XCTFail() }
        let tsne = t2.options
        XCTAssertEqual(
            [tsne.perplexity?.value, tsne.iterations.map { Double($0.value) }, tsne.seed.map { Double($0.value) }],
            [12.5, 300, 4])
        guard let k2 = only("embed ae data.test kernelpca kernel poly gamma 0.5", as: Embed.self), let ae = k2.model,
            k2.method == .kernelpca, k2.dimensions == 2
        else { return XCTFail() }
        let kpca = k2.options
        XCTAssertEqual([ae.value, kpca.kernel?.value.rawValue], ["ae", "poly"])
        XCTAssertEqual(kpca.gamma?.value, 0.5)
        // Options alone keep the default projection.
        guard let p = only("embed data.test", as: Embed.self), p.model == nil, p.method == .pca, p.dimensions == 2
        else { return XCTFail() }
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
        guard let models = only("plot deep nodrop", as: Plot.self)?.models else { return XCTFail() }
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

}
