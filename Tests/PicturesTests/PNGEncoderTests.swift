import XCTest

@testable import Pictures

final class PNGEncoderTests: XCTestCase {
    /// A raster whose rows favour different filters: flat, gradients, noise.
    func sample(width: Int, height: Int, channels: Int) -> Raster {
        var r = Raster(width: width, height: height, channels: channels)
        var seed: UInt32 = 12345
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    seed = seed &* 1_103_515_245 &+ 12345
                    let v: Int
                    switch y % 4 {
                    case 0: v = 200
                    case 1: v = x * 3 + c * 40
                    case 2: v = (x + y) * 5
                    default: v = Int(seed >> 24)
                    }
                    r.pixels[(y * width + x) * channels + c] = UInt8(v & 0xFF)
                }
            }
        }
        return r
    }

    func testRoundTripGreyRGBAndRGBA() throws {
        for channels in [1, 3, 4] {
            let image = sample(width: 37, height: 23, channels: channels)
            let png = try PNGEncoder.encode(image)
            let reader = try PNGReader(png)
            XCTAssertEqual(reader.width, 37)
            XCTAssertEqual(reader.height, 23)
            XCTAssertEqual(reader.channels, channels)
            XCTAssertEqual(reader.chunks.map(\.type), ["IHDR", "IDAT", "IEND"])
            XCTAssertEqual(try reader.pixels(), image.pixels, "channels \(channels)")
            if let check = try PNGReader.pngcheck(png) { XCTAssertTrue(check.ok, check.output) }
        }
    }

    func testRowsUseSeveralFilters() throws {
        let image = sample(width: 64, height: 16, channels: 1)
        let raw = PNGEncoder.filteredScanlines(image)
        let filters = Set((0..<16).map { raw[$0 * 65] })
        XCTAssertGreaterThan(filters.count, 1, "the heuristic should pick different filters for different rows")
        // The flat rows cost nothing with Sub (or Up when the row above is identical).
        XCTAssertTrue([1, 2].contains(raw[4 * 65]))
    }

    func testOnePixelImage() throws {
        let png = try PNGEncoder.encode(try Raster(width: 1, height: 1, channels: 1, pixels: [77]))
        XCTAssertEqual(try PNGReader(png).pixels(), [77])
    }

    func testBadInputIsAnErrorValue() {
        XCTAssertThrowsError(try Raster(width: 0, height: 3, channels: 1, pixels: []))
        XCTAssertThrowsError(try Raster(width: 2, height: 2, channels: 2, pixels: [0, 0, 0, 0, 0, 0, 0, 0]))
        var broken = Raster(width: 2, height: 2)
        broken.pixels.removeLast()
        XCTAssertThrowsError(try PNGEncoder.encode(broken)) { error in
            XCTAssertEqual(error as? PicturesError, .badSize(what: "the pixel buffer", expected: 4, actual: 3))
        }
    }

    func testAnimatedPNGChunksSequenceAndFrames() throws {
        let frames = (0..<4).map { k -> Raster in
            var r = Raster(width: 9, height: 5, channels: 1)
            for i in r.pixels.indices { r.pixels[i] = UInt8((i * 7 + k * 50) & 0xFF) }
            return r
        }
        let png = try AnimatedPNG.encode(frames: frames, delayMilliseconds: 250, loops: 3)
        let reader = try PNGReader(png)
        XCTAssertEqual(
            reader.chunks.map(\.type),
            ["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "fcTL", "fdAT", "fcTL", "fdAT", "IEND"])
        let actl = reader.chunks[1].data
        XCTAssertEqual(PNGReader.u32(actl, 0), 4)
        XCTAssertEqual(PNGReader.u32(actl, 4), 3)
        // fcTL and fdAT share one sequence counter: 0, 1, 2, ... without gaps.
        let sequence = reader.chunks.filter { $0.type == "fcTL" || $0.type == "fdAT" }.map { PNGReader.u32($0.data, 0) }
        XCTAssertEqual(sequence, Array(0..<7))
        let fctl = reader.chunks[2].data
        XCTAssertEqual(PNGReader.u32(fctl, 4), 9)
        XCTAssertEqual(PNGReader.u32(fctl, 8), 5)
        XCTAssertEqual(Int(fctl[20]) << 8 | Int(fctl[21]), 250)
        XCTAssertEqual(Int(fctl[22]) << 8 | Int(fctl[23]), 1000)
        XCTAssertEqual(try reader.framePixels(), frames.map(\.pixels))
        if let check = try PNGReader.pngcheck(png) {
            XCTAssertTrue(check.ok, check.output)
            XCTAssertTrue(check.output.contains("acTL"), check.output)
        }
    }

    func testAnimationRejectsMismatchedFrames() {
        XCTAssertThrowsError(try AnimatedPNG.encode(frames: []))
        XCTAssertThrowsError(
            try AnimatedPNG.encode(frames: [Raster(width: 2, height: 2), Raster(width: 3, height: 2)]))
    }
}
