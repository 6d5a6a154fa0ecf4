import XCTest

@testable import Language

/// Two statements of a test's own, so the language is tested without the session's table:
/// `look DATA` and `fit MODEL [on DATA] [times N] [rate X] [kind mse|l1] [quiet]`.
struct Look: StatementSyntax {
    static let keyword = "look"
    static let data = Slot.data("DATA", "the images to look at")
    static let grammar = Grammar(parts: [data])
    static let help = StatementHelp(.pictures, "looks.")
    let data: Reference
    static func parse(_ line: inout StatementReader) throws -> Look { Look(data: try line.read(data)) }
}

struct Fit: StatementSyntax {
    enum Kind: String, CaseIterable, Sendable, Equatable { case mse, l1 }
    static let keyword = "fit"
    static let model = Slot.model()
    static let on = Option("on", .data("DATA", "the data"), meaning: "what to fit", default: "the last data")
    static let times = Option("times", .integer("N", "times", minimum: 1), meaning: "how often", default: "1")
    static let rate = Option("rate", .number("X", "rate", .positive), meaning: "how fast", default: "0.1")
    static let kind = Option("kind", Slot<Located<Kind>>.choice("K", "kind"), meaning: "which", default: "mse")
    static let grammar = Grammar(parts: [model], options: [on, times, rate, kind])
    static let help = StatementHelp(.training, "fits.", examples: ["fit m times 3"])
    var model: Identifier
    var options: [String: String] = [:]
    static func parse(_ line: inout StatementReader) throws -> Fit {
        var fit = Fit(model: try line.read(model))
        let given = try line.readOptions()
        if let v = given[on] { fit.options["on"] = v.base.value }
        if let v = given[times] { fit.options["times"] = "\(v.value)" }
        if let v = given[rate] { fit.options["rate"] = "\(v.value)" }
        if let v = given[kind] { fit.options["kind"] = v.value.rawValue }
        return fit
    }
}

final class ParserTests: XCTestCase {
    static let table = StatementTable([Look.self, Fit.self])

    func parse(_ s: String) -> (Cell, [Diagnostic]) {
        let r = Parser(s, statements: Self.table).parse()
        return (r.cell, r.diagnostics)
    }

    /// The table's statements: dispatch by keyword, parts through their slots, options in any
    /// order, each once, and mistakes named with the nearest word.
    func testStatementsReadThroughTheirGrammar() {
        guard case .command(let c) = only("fit ae kind l1 on data.train times 3 rate 1e-2"), let fit = c as? Fit else {
            return XCTFail("not a fit")
        }
        XCTAssertEqual(fit.model.value, "ae")
        XCTAssertEqual(fit.options, ["on": "data", "times": "3", "rate": "0.01", "kind": "l1"])
        guard case .command(let l) = only("look data.test[0:4]"), let look = l as? Look else { return XCTFail() }
        XCTAssertEqual(look.data.accessors.count, 2)
        func first(_ s: String) -> Diagnostic? { parse(s).1.first }
        XCTAssertEqual(first("fit ae tims 3")?.suggestion, "times")
        XCTAssertEqual(first("fit ae tims 3")?.message, "'tims' is not an option of fit")
        XCTAssertEqual(first("fit ae times 3 times 4")?.message, "times is given twice")
        XCTAssertEqual(first("fit ae times 0")?.message, "times must be at least 1, not 0")
        XCTAssertEqual(first("fit ae kind l2")?.suggestion, "l1")
        XCTAssertEqual(first("look data extra")?.message, "'extra' is more than look takes")
        XCTAssertEqual(first("lok data")?.suggestion, "look")
        XCTAssertEqual(first("fit look")?.message, "'look' is a word of the language and cannot be a name")
        XCTAssertEqual(first("fit")?.message, "the line ends too early")
        XCTAssertEqual(Fit.grammar.synopsis("fit"), "fit MODEL [on DATA] [times N] [rate X] [kind K]")
        XCTAssertEqual(
            Fit.referenceSection,
            """
            ### fit
            `fit MODEL [on DATA] [times N] [rate X] [kind K]`: fits.

            | option | meaning | default |
            | --- | --- | --- |
            | `on DATA` | what to fit | the last data |
            | `times N` | how often | 1 |
            | `rate X` | how fast | 0.1 |
            | `kind K` | which | mse |

            ```
            fit m times 3
            ```
            """)
        // With no table, a keyword is an unknown statement.
        XCTAssertEqual(
            Parser("fit ae", statements: .empty).parse().diagnostics.first?.message, "'fit' is not a statement")
    }

    /// A frame's markers are filled from the table, and what was between them is replaced.
    func testReferenceAssembly() {
        let frame = """
            # Title
            \(LanguageReferenceAssembly.listMarker)
            old list
            \(LanguageReferenceAssembly.endMarker)
            ## Part
            \(LanguageReferenceAssembly.marker(.pictures))
            ### look
            stale text
            \(LanguageReferenceAssembly.endMarker)
            ## Other
            \(LanguageReferenceAssembly.marker(.training))
            \(LanguageReferenceAssembly.endMarker)

            the end
            """
        let made = LanguageReferenceAssembly.assemble(frame: frame, table: Self.table)
        XCTAssertFalse(made.contains("stale") || made.contains("old list"))
        XCTAssertTrue(made.contains("Statements: data (`NAME = ...`), bare names, `model`, `look`, `fit`."))
        XCTAssertTrue(made.contains("### look\n`look DATA`: looks.\n\(LanguageReferenceAssembly.endMarker)\n## Other"))
        XCTAssertTrue(made.contains("\(LanguageReferenceAssembly.marker(.training))\n### fit\n"))
        XCTAssertTrue(made.hasSuffix("fit m times 3\n```\n\(LanguageReferenceAssembly.endMarker)\n\nthe end"))
        XCTAssertEqual(LanguageReferenceAssembly.markedParts(in: made), [.pictures, .training])
        XCTAssertEqual(LanguageReferenceAssembly.assemble(frame: made, table: Self.table), made)
    }

    func only(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> Statement? {
        let (cell, diagnostics) = parse(s)
        XCTAssertEqual(diagnostics, [], file: file, line: line)
        XCTAssertEqual(cell.statements.count, 1, file: file, line: line)
        return cell.statements.first?.statement
    }

    func testModelBlockLayers() {
        let block = "model ae:\n    dense 250 relu\n    latent 16 tanh\n    dense 320 relu\n    dense 784 sigmoid"
        guard case .model(let m) = only(block) else {
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
        let source = "look data\nmodel ae:\n    dens 250 relu\n    latent 16"
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

    /// A long line is shown around the place, cut and marked, with the caret still under it.
    func testRendererShowsAWindowOfALongLine() {
        let source = "look " + String(repeating: "a", count: 600) + " extra"
        let d = parse(source).1[0]
        let lines = DiagnosticRenderer(source: source).lines(d)
        XCTAssertEqual(lines[0], "line 1: 'extra' is more than look takes")
        XCTAssertLessThan(lines[1].count, 130)
        XCTAssertTrue(lines[1].hasPrefix("    …a"), lines[1])
        let caret = lines[2].firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) }
        let word = lines[1].range(of: "extra").map { lines[1].distance(from: lines[1].startIndex, to: $0.lowerBound) }
        XCTAssertEqual(caret, word)
        XCTAssertEqual(lines[2].filter { $0 == "^" }.count, 5)
        let long = Diagnostic(String(repeating: "m", count: 5000), range: d.range)
        XCTAssertEqual(DiagnosticRenderer(source: source).headline(long).count, "line 1: ".count + 301)
    }

    func testSuggestionDistance() {
        XCTAssertEqual(Suggestion.distance("dens", "dense"), 1)
        XCTAssertEqual(Suggestion.distance("lantent", "latent"), 1)
        XCTAssertEqual(Suggestion.distance("tahn", "tanh"), 1)
        XCTAssertNil(Suggestion.nearest(to: "zebra", in: ["dense", "latent"]))
        XCTAssertEqual(Suggestion.nearest(to: "evalu", in: ["train", "evaluate", "embed"]), "evaluate")
    }

    func testCompleteness() {
        XCTAssertEqual(Parser.completeness(of: "data = mnist", statements: Self.table), .complete)
        XCTAssertEqual(Parser.completeness(of: "model ae:", statements: Self.table), .incomplete(indent: "    "))
        XCTAssertEqual(
            Parser.completeness(of: "model ae:\n    dense 10 relu", statements: Self.table), .incomplete(indent: "    ")
        )
        XCTAssertEqual(
            Parser.completeness(
                of: "model ae:\n    dense 10 relu\n    latent 2\n    dense 784\n\n", statements: Self.table), .complete)
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    latent 2\nwho", statements: Self.table), .complete)
        // One Enter on an empty or auto-indented line closes a block with layers, as in IPython.
        let block = "model ae:\n    dense 10 relu\n    latent 2\n    dense 784"
        XCTAssertEqual(Parser.completeness(of: block + "\n", statements: Self.table), .complete)
        XCTAssertEqual(Parser.completeness(of: block + "\n    ", statements: Self.table), .complete)
        XCTAssertEqual(Parser.completeness(of: block + "\n\t \n", statements: Self.table), .complete)
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    dense 10 relu\n    ", statements: Self.table), .invalid)  // no latent
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    dens 10\n    ", statements: Self.table), .invalid)
        XCTAssertEqual(
            Parser.completeness(of: block + "\n    # a comment", statements: Self.table), .incomplete(indent: "    "))
        // A header without layers stays open on one blank line; a second one closes it.
        XCTAssertEqual(Parser.completeness(of: "model ae:\n", statements: Self.table), .incomplete(indent: "    "))
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    ", statements: Self.table), .incomplete(indent: "    "))
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    \n    ", statements: Self.table), .invalid)
        XCTAssertEqual(
            Parser.completeness(of: "model ae init pytorch:", statements: Self.table), .incomplete(indent: "    "))
        XCTAssertEqual(Parser.completeness(of: "print \"abc\n", statements: Self.table), .incomplete(indent: ""))
        XCTAssertEqual(Parser.completeness(of: "print \"abc", statements: Self.table), .incomplete(indent: ""))
        XCTAssertEqual(Parser.completeness(of: "train ae epochs -1", statements: Self.table), .invalid)
        XCTAssertEqual(Parser.completeness(of: "model ae:\n    dens 10", statements: Self.table), .invalid)
        XCTAssertEqual(Parser.completeness(of: "", statements: Self.table), .complete)
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
        let (cell, diagnostics) = Parser(
            "model m:\n    dense 4 leakyrelu\n    latent 2\n    dense 784 sigmoid", statements: .empty
        ).parse()
        XCTAssertEqual(diagnostics, [])
        guard case .model(let m) = cell.statements.first?.statement, case .dense(_, let a, _) = m.layers.first?.kind
        else { return XCTFail("not a model with a dense layer") }
        XCTAssertEqual(a, .leakyRelu)
    }
}
