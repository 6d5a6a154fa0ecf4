import XCTest

@testable import Pictures

final class DigitGridTests: XCTestCase {
    /// `count` 4x3 images whose pixel k holds a value depending on the image.
    func images(_ count: Int, height: Int = 4, width: Int = 3) -> [Float] {
        (0..<(count * height * width)).map { Float(($0 * 37) % 101) / 100 }
    }

    func testLayoutChoosesRowsAndColumnsSensibly() {
        XCTAssertEqual(DigitGrid.defaultColumns(for: 1), 1)
        XCTAssertEqual(DigitGrid.defaultColumns(for: 10), 10)
        XCTAssertEqual(DigitGrid.defaultColumns(for: 16), 4)
        XCTAssertEqual(DigitGrid.defaultColumns(for: 36), 6)
        XCTAssertEqual(DigitGrid.defaultColumns(for: 100), 10)
        XCTAssertEqual(DigitGrid.defaultColumns(for: 1000), 20)
        let l = DigitGrid().layout(count: 36, labelled: false)
        XCTAssertEqual([l.rows, l.columns, l.scale, l.cellWidth], [6, 6, 2, 56])
        let big = DigitGrid().layout(count: 250, labelled: false)
        XCTAssertEqual([big.rows, big.columns, big.scale], [16, 16, 1])
    }

    func testPixelsAreScaledPlacedAndClamped() throws {
        var pixels = images(2, height: 2, width: 2)
        pixels[0] = -0.5  // clamps to black
        pixels[1] = 7  // clamps to white
        pixels[2] = .nan  // draws as black
        pixels[3] = 0.5
        let grid = DigitGrid(imageHeight: 2, imageWidth: 2, scale: 3, columns: 2, padding: 1)
        let r = try grid.render(pixels: pixels, count: 2)
        XCTAssertEqual(r.width, 2 * 6 + 3)
        XCTAssertEqual(r.height, 6 + 2)
        func at(_ x: Int, _ y: Int) -> UInt8 { r.pixels[y * r.width + x] }
        XCTAssertEqual(at(0, 0), grid.canvasGrey)
        XCTAssertEqual(at(1, 1), 0)
        XCTAssertEqual(at(3, 3), 0)
        XCTAssertEqual(at(4, 1), 255)
        XCTAssertEqual(at(6, 3), 255)
        XCTAssertEqual(at(1, 6), 0)
        XCTAssertEqual(at(6, 6), 128)
        // Second image starts after one padding column.
        XCTAssertEqual(at(8, 1), Raster.grey(pixels[4]))
    }

    func testLabelsAreDrawnUnderEachImage() throws {
        let grid = DigitGrid(imageHeight: 28, imageWidth: 28)
        let blank = [Float](repeating: 0, count: 3 * 784)
        let labelled = try grid.render(pixels: blank, count: 3, labels: ["7", "10", "0.25"])
        let plain = try grid.render(pixels: blank, count: 3)
        XCTAssertGreaterThan(labelled.height, plain.height)
        XCTAssertEqual(labelled.width, plain.width)
        // Under each 56-pixel image there is light text; above it none.
        let layout = grid.layout(count: 3, labelled: true)
        for cell in 0..<3 {
            let left = 2 + cell * (layout.cellWidth + 2)
            var lit = 0
            for y in (2 + 56)..<labelled.height {
                for x in left..<(left + layout.cellWidth)
                where labelled.pixels[y * labelled.width + x] == grid.labelGrey {
                    lit += 1
                }
            }
            XCTAssertGreaterThan(lit, 10, "label of cell \(cell)")
        }
        XCTAssertFalse(labelled.pixels[0..<(58 * labelled.width)].contains(grid.labelGrey))
    }

    func testBadInputIsReported() {
        let grid = DigitGrid(imageHeight: 4, imageWidth: 3)
        XCTAssertThrowsError(try grid.render(pixels: [], count: 0))
        XCTAssertThrowsError(try grid.render(pixels: images(2), count: 3))
        XCTAssertThrowsError(try grid.render(pixels: images(2), count: 2, labels: ["1"]))
    }

    func testSmallGridSnapshot() throws {
        let grid = DigitGrid(imageHeight: 4, imageWidth: 3, scale: 4, columns: 3)
        let png = try grid.png(pixels: images(5), count: 5, labels: ["0", "1", "2", "3", "4"])
        XCTAssertEqual(try PNGReader(png.bytes).width, png.width)
        Snapshot.assertMatches(png.bytes, named: "grid-5-labelled.png")
    }

    func testUnknownCharactersStillDraw() {
        var r = Raster(width: 12, height: 7)
        BitmapFont.draw("Ω", into: &r, x: 0, y: 0, scale: 1, grey: 200)
        XCTAssertTrue(r.pixels.contains(200))
    }
}
