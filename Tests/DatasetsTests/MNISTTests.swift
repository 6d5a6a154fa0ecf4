import XCTest

@testable import Datasets

final class MNISTTests: XCTestCase {
    func testBundledMNISTLoadsWithExpectedSizes() throws {
        let mnist = try MNIST.load()
        XCTAssertEqual(mnist.train.count, 60_000)
        XCTAssertEqual(mnist.test.count, 10_000)
        XCTAssertEqual(mnist.train.height, 28)
        XCTAssertEqual(mnist.train.width, 28)
        XCTAssertEqual(mnist.train.pixels.min(), 0)
        XCTAssertEqual(mnist.train.pixels.max(), 1)
        // The first training digit of MNIST is a 5, the first test digit a 7.
        XCTAssertEqual(mnist.train.labels[0], 5)
        XCTAssertEqual(mnist.test.labels[0], 7)
        XCTAssertEqual(Set(mnist.test.labels), Set(0...9))
    }

    func testIDXRejectsWrongMagic() {
        XCTAssertThrowsError(try IDXArray(parsing: [1, 2, 3, 4, 5])) { error in
            XCTAssertTrue("\(error)".contains("magic"), "\(error)")
        }
    }

    func testIDXRejectsLengthThatDisagreesWithHeader() {
        // Two images of 2x2 promised, only 3 bytes given.
        let raw: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3]
        XCTAssertThrowsError(try IDXArray(parsing: raw)) { error in
            XCTAssertTrue("\(error)".contains("8 bytes of data but the file holds 3"), "\(error)")
        }
    }

    func testIDXParsesValidFile() throws {
        let raw: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]
        let a = try IDXArray(parsing: raw)
        XCTAssertEqual(a.dimensions, [3])
        XCTAssertEqual(a.bytes, [7, 8, 9])
    }

    func testTruncatedGzipIsReported() throws {
        let path = try MNIST.directory() + "/t10k-labels-idx1-ubyte.gz"
        let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        XCTAssertThrowsError(try Gzip.decompress(Array(bytes.prefix(bytes.count / 2)))) { error in
            XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
        }
    }

    func testMissingFileIsNamed() {
        XCTAssertThrowsError(try IDXArray(contentsOf: "/nonexistent/file.idx")) { error in
            XCTAssertEqual(error as? DataFileError, .missing(path: "/nonexistent/file.idx"))
        }
    }

    /// zlib's CRC-32, as saved model files carry it: the standard check values.
    func testCRC32GivesTheStandardValues() {
        XCTAssertEqual(CRC32.checksum([]), 0)
        XCTAssertEqual(CRC32.checksum(Array("a".utf8)), 0xE8B7_BE43)
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
    }
}
