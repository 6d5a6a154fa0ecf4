import Foundation
import Language
import XCTest

@testable import Session

/// Every dataset a session names keeps its source, and the source makes the same data again.
final class DataSourceRecipeTests: XCTestCase {
    func testEveryDatasetKeepsASourceThatMakesItAgain() throws {
        let t = try TestSession()
        try Fixtures.write(into: t.directory)
        t.run(
            """
            data = mnist train 300 test 50
            tiny = idx "tiny-images.idx" "tiny-labels.idx" test "tiny-images.idx" "tiny-labels.idx"
            part = data.train[10:60]
            sevens = part[label 7][1:]
            last = data.test[-1]
            both = data[0:20]
            copy = data
            """)
        let names = t.session.names
        let expected: [String: String] = [
            "data": "mnist train 300 test 50",
            "tiny":
                "idx \"\(t.directory)/tiny-images.idx\" \"\(t.directory)/tiny-labels.idx\" test \"\(t.directory)/tiny-images.idx\" \"\(t.directory)/tiny-labels.idx\"",
            "part": "data.train[10:60]", "sevens": "part[label 7][1:]", "last": "data.test[-1]", "both": "data[0:20]",
            // A name alone is what it names: the same source.
            "copy": "mnist train 300 test 50",
        ]
        for (name, text) in expected { XCTAssertEqual(names.source(of: name)?.text, text, name) }
        XCTAssertEqual(
            names.source(of: "sevens")?.description,
            "part[label 7][1:] (part: data.train[10:60] (data: mnist train 300 test 50))")
        // Made again from the source alone, in a session that has none of these names.
        let fresh = try TestSession()
        let context = StatementContext(
            names: Namespace(), seed: 0, output: fresh.sink, interruption: InterruptFlag(), showsTimings: false,
            workingDirectory: fresh.directory, cellNumber: 1, displayCounter: 0,
            range: SourceRange(start: .init(offset: 0, line: 1, column: 1), end: .init(offset: 0, line: 1, column: 1)))
        var cache = [DataSource: DataValue]()
        for name in expected.keys {
            let again = try context.makeAgain(try XCTUnwrap(names.source(of: name)), cache: &cache)
            let original = try XCTUnwrap(names.data(name))
            XCTAssertEqual(again.trainImages, original.trainImages, name)
            XCTAssertEqual(again.testImages, original.testImages, name)
        }
        // A model keeps the source of the data it trained on, and its saved file carries it.
        t.run("model ae:\n    dense 8\n    latent 2\n    dense 784\ntrain ae on sevens steps 1\nsave ae \"ae.model\"")
        XCTAssertEqual(t.session.names.model("ae")?.trainedOnSource, t.session.names.source(of: "sevens"))
        let file = try ModelFile.read(t.directory + "/ae.model")
        XCTAssertEqual(
            try SavedModel.read(file.payload, version: file.version).header.trainedOn,
            t.session.names.source(of: "sevens"))
        // A deleted or replaced name takes its source with it.
        t.run("delete part\ncopy = data.test")
        XCTAssertNil(t.session.names.source(of: "part"))
        XCTAssertEqual(t.session.names.source(of: "copy")?.text, "data.test")
    }

    func testASourceThatCannotBeMadeAgainSaysWhy() throws {
        let t = try TestSession()
        let context = StatementContext(
            names: Namespace(), seed: 0, output: t.sink, interruption: InterruptFlag(), showsTimings: false,
            workingDirectory: t.directory, cellNumber: 1, displayCounter: 0,
            range: SourceRange(start: .init(offset: 0, line: 1, column: 1), end: .init(offset: 0, line: 1, column: 1)))
        var cache = [DataSource: DataValue]()
        let cases: [(DataSource, String)] = [
            (
                .idx(images: "/nowhere/a.idx", labels: "/nowhere/b.idx", testImages: nil, testLabels: nil),
                "does not exist"
            ),
            (.builtin(dataset: "mnist", train: 70_000, test: nil), "has 60,000 train images"),
            (.builtin(dataset: "cifar", train: nil, test: nil), "not a dataset"),
            (
                .part(
                    of: .builtin(dataset: "mnist", train: 10, test: 10), name: "d",
                    steps: [.member("train"), .label(11)]),
                "no image in d.train has label 11"
            ),
        ]
        for (source, words) in cases {
            XCTAssertThrowsError(try context.makeAgain(source, cache: &cache), source.text) { error in
                XCTAssertTrue("\((error as? Diagnostic)?.message ?? "")".contains(words), "\(error)")
            }
        }
    }
}
