import Foundation
import XCTest

@testable import Session

/// The picture statements on small real-MNIST subsets: each bundle's kind, pixel size (against
/// the grid's layout: 28x28 digits drawn at 2x in 58-pixel cells with 2-pixel padding, labels
/// 19 pixels high), PNG structure, and what the picture holds.
final class PictureStatementTests: XCTestCase {
    static let label = 19

    /// Width and height from IHDR, chunk types in order; checks the signature.
    func pngInfo(_ bundle: MimeBundle, file: StaticString = #filePath, line: UInt = #line) throws -> (
        width: Int, height: Int, chunks: [String]
    ) {
        let base64 = try XCTUnwrap(bundle.data["image/png"], "no image/png in the bundle", file: file, line: line)
        let bytes = [UInt8](try XCTUnwrap(Data(base64Encoded: base64)))
        XCTAssertEqual(Array(bytes[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], file: file, line: line)
        func u32(_ i: Int) -> Int {
            Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
        }
        var chunks = [String]()
        var at = 8
        while at + 8 <= bytes.count {
            chunks.append(String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self))
            at += 12 + u32(at)
        }
        XCTAssertEqual(at, bytes.count, "chunks must end exactly at the end of the file", file: file, line: line)
        let info = (u32(16), u32(20), chunks)
        XCTAssertEqual(bundle.metadata["image/png"]?["width"], info.0, file: file, line: line)
        XCTAssertEqual(bundle.metadata["image/png"]?["height"], info.1, file: file, line: line)
        XCTAssertFalse(bundle.text.isEmpty, file: file, line: line)
        return info
    }

    /// `cellWidth` is wider than the image when labels need it; `margin` holds row labels.
    func gridSize(columns: Int, rows: Int, labelled: Bool, cellWidth: Int = 56, margin: Int = 0) -> (Int, Int) {
        (margin + columns * (cellWidth + 2) + 2, rows * (56 + (labelled ? Self.label : 0)) + (rows + 1) * 2)
    }

    /// Runs one statement; returns the displays it made before its last one, and the last (a
    /// picture statement's own result).
    func picture(_ t: TestSession, _ code: String, file: StaticString = #filePath, line: UInt = #line) throws -> (
        displays: [MimeBundle], result: MimeBundle
    ) {
        t.sink.displays = []
        let outcome = t.session.execute(code, output: t.sink)
        var shown = t.sink.displays
        if case .ok(let result?) = outcome { shown.append(result) }
        guard case .ok = outcome, let last = shown.popLast() else {
            XCTFail("\(code): \(outcome)", file: file, line: line)
            throw PictureMissing()
        }
        return (shown, last)
    }

    struct PictureMissing: Error {}

    func trained() throws -> TestSession {
        let t = try TestSession()
        t.run("data = mnist train 1000 test 200\nseed 2")
        t.run("model ae:\n    dense 64 relu\n    latent 4\n    dense 64 relu\n    dense 784 sigmoid")
        t.run("model nodrop:\n    dense 32 relu\n    latent 2\n    dense 784 sigmoid")
        t.run("train ae on data epochs 2 batch 50\ntrain nodrop on data epochs 2 batch 50")
        return t
    }

    func testShowIsAGridOfLabelledDigits() throws {
        let t = try trained()
        let info = try pngInfo(try picture(t, "show data.test[0:16]").result)
        XCTAssertEqual(
            [info.width, info.height],
            [gridSize(columns: 4, rows: 4, labelled: true).0, gridSize(columns: 4, rows: 4, labelled: true).1])
        XCTAssertEqual(info.chunks, ["IHDR", "IDAT", "IEND"])
        let threes = try picture(t, "show data.train[label 3][0:8]").result
        XCTAssertTrue(threes.text.contains("labels: 3 3 3 3 3 3 3 3"), threes.text)
    }

    func testReconstructionIsTwoRowsOfNAndTrainingLowersTheError() throws {
        let t = try TestSession()
        t.run("data = mnist train 1000 test 200")
        t.run("model ae:\n    dense 64 relu\n    latent 8\n    dense 784 sigmoid")
        func averageError(_ text: String) -> Double {
            Double(text.split(separator: "\n").last!.split(separator: " ").last!)!
        }
        let before = try picture(t, "reconstruct ae data.test[0:10]").result
        t.run("train ae on data epochs 3 batch 50")
        let after = try picture(t, "reconstruct ae data.test[0:10]").result
        let info = try pngInfo(after)
        // Each cell widens to its loss label ("0.0123": 5 characters of 10 px and 2 px spacing) plus a 6 px gap.
        let expected = gridSize(columns: 10, rows: 2, labelled: true, cellWidth: 5 * 12 - 2 + 6)
        XCTAssertEqual([info.width, info.height], [expected.0, expected.1])
        XCTAssertTrue(before.text.contains("untrained"))
        XCTAssertEqual(after.text.split(separator: "\n")[1].split(separator: " ").count, 5 + 10, after.text)
        XCTAssertLessThan(averageError(after.text), 0.8 * averageError(before.text))
    }

    func testGenerateDrawsASquareishGridAndRepeatsWithTheSeed() throws {
        let t = try trained()
        let first = try picture(t, "generate ae 36").result
        let info = try pngInfo(first)
        let expected = gridSize(columns: 6, rows: 6, labelled: false)
        XCTAssertEqual([info.width, info.height], [expected.0, expected.1])
        XCTAssertEqual(try picture(t, "generate ae 36").result, first)
        let normal = try picture(t, "generate ae 36 normal 0 0.33").result
        XCTAssertNotEqual(normal.data["image/png"], first.data["image/png"])
        XCTAssertTrue(normal.text.contains("N(0, 0.33)"))
    }

    func testInterpolateShowsTwoRowsAndAnAnimation() throws {
        let t = try trained()
        let (displays, animation) = try picture(t, "interpolate ae data.test[0] data.test[1] steps 10")
        XCTAssertEqual(displays.count, 1)
        let grid = try pngInfo(displays[0])
        // Rows named "pixels" and "code" in a margin as wide as "pixels" (6 characters) and padding.
        let expected = gridSize(columns: 10, rows: 2, labelled: true, margin: 6 * 12 - 2 + 4)
        XCTAssertEqual([grid.width, grid.height], [expected.0, expected.1])
        let frames = try pngInfo(animation)
        XCTAssertEqual(frames.chunks.filter { $0 == "fcTL" }.count, 18)
        XCTAssertEqual(frames.chunks.filter { $0 == "fdAT" }.count, 17)
        XCTAssertEqual(frames.chunks[1], "acTL")
    }

    func testHistogramHasOnePanelPerDimension() throws {
        let t = try trained()
        let chart = try picture(t, "histogram ae data.train dims 1:3").result
        let svg = try XCTUnwrap(chart.data["image/svg+xml"])
        XCTAssertTrue(svg.contains(">dim 1<") && svg.contains(">dim 2<"))
        XCTAssertFalse(svg.contains(">dim 0<") || svg.contains(">dim 3<"))
        XCTAssertTrue(chart.text.contains("dim 1: 1000 values"), chart.text)
        let error = t.fail("histogram ae data.train dims 2:9")
        XCTAssertTrue(error.text.contains("4-d code"), error.text)
    }

    func testEmbeddingsColourEveryPointByDigit() throws {
        let t = try trained()
        for (code, n) in [
            ("embed ae data.train[0:300] kernelpca 2", 300), ("embed data.test[0:120] tsne", 120),
            ("embed ae data.test pca", 200),
        ] {
            let chart = try picture(t, code).result
            let svg = try XCTUnwrap(chart.data["image/svg+xml"])
            XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, n + 10, code)
            XCTAssertTrue(chart.text.contains("\(n) points"), chart.text)
        }
    }

    func testEmbeddingOptionsReachTheProjection() throws {
        let t = try trained()
        let short = try picture(t, "embed data.test[0:60] tsne perplexity 5 iterations 50 seed 3").result
        XCTAssertTrue(short.text.contains("perplexity 5)"), short.text)
        XCTAssertTrue(short.text.contains("after 50 iterations"), short.text)
        XCTAssertEqual(try picture(t, "embed data.test[0:60] tsne perplexity 5 iterations 50 seed 3").result, short)
        let poly = try picture(t, "embed ae data.test[0:80] kernelpca kernel poly gamma 0.5").result
        XCTAssertTrue(poly.text.contains("KernelPCA (poly, gamma 0.5)"), poly.text)
        let misplaced = t.fail("embed data.test[0:60] pca perplexity 5")
        XCTAssertEqual(misplaced.name, "ValueError")
        XCTAssertTrue(misplaced.text.contains("perplexity is an option of tsne"), misplaced.text)
        XCTAssertTrue(t.fail("embed data.test[0:20] tsne perplexity 40").text.contains("below the number of points"))
    }

    func testWeightsDrawOneImagePerFirstLayerUnit() throws {
        let t = try trained()
        let result = try picture(t, "weights ae").result
        let info = try pngInfo(result)
        let expected = gridSize(columns: 8, rows: 8, labelled: false)
        XCTAssertEqual([info.width, info.height], [expected.0, expected.1])
        XCTAssertTrue(result.text.contains("64 filters of 28x28"))
    }

    func testTraverseIsOneLabelledRowAndChecksTheDimension() throws {
        let t = try trained()
        let result = try picture(t, "traverse ae dim 0 from -2 to 2 steps 9").result
        let info = try pngInfo(result)
        let expected = gridSize(columns: 9, rows: 1, labelled: true)
        XCTAssertEqual([info.width, info.height], [expected.0, expected.1])
        let error = t.fail("traverse ae dim 4 from -2 to 2 steps 9")
        XCTAssertEqual(error.name, "ValueError")
        XCTAssertTrue(error.text.contains("between 0 and 3"), error.text)
    }

    func testProgressHasARowPerEpochAndAnAnimation() throws {
        let t = try trained()
        let (displays, animation) = try picture(t, "progress ae")
        let grid = try pngInfo(displays[0])
        // Inputs, then epochs 0, 1, 2.
        let expected = gridSize(columns: 10, rows: 4, labelled: true)
        XCTAssertEqual([grid.width, grid.height], [expected.0, expected.1])
        XCTAssertEqual(try pngInfo(animation).chunks.filter { $0 == "fcTL" }.count, 3)
        t.run("train ae epochs 1")
        XCTAssertEqual(try pngInfo(try picture(t, "progress ae").result).chunks.filter { $0 == "fcTL" }.count, 4)
    }

    func testPlotDrawsTrainAndTestPerModel() throws {
        let t = try trained()
        let chart = try picture(t, "plot ae nodrop").result
        let svg = try XCTUnwrap(chart.data["image/svg+xml"])
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 4)
        XCTAssertTrue(chart.text.contains("nodrop test"))
    }

    func testUntrainedModelsAreExplainedNotDrawn() throws {
        let t = try TestSession()
        t.run("data = mnist train 100 test 20")
        t.run("model fresh:\n    dense 16 relu\n    latent 2\n    dense 784 sigmoid")
        XCTAssertTrue(t.fail("plot fresh").text.contains("not been trained"))
        XCTAssertTrue(t.fail("progress fresh").text.contains("no recorded progress"))
        // Pictures of an untrained model still work, drawn from its initial weights.
        XCTAssertTrue(try picture(t, "weights fresh").result.text.contains("untrained"))
    }
}
