import Foundation
import XCTest

@testable import Session

/// Data a learner controls (slices, label filters, IDX files of odd sizes, images of another size
/// than the model's, empty selections, zero counts) must end in a clear error, never in a trap
/// that kills the kernel, and must leave the session as it was.
final class UserDataSafetyTests: XCTestCase {
    /// An IDX file of unsigned bytes with the given dimensions (the first is the count).
    static func idx(_ dimensions: [Int], fill: UInt8 = 128, cutShort: Int = 0) -> Data {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for d in dimensions { withUnsafeBytes(of: UInt32(d).bigEndian) { bytes += $0 } }
        let count = dimensions.reduce(1, *)
        bytes += (0..<max(0, count - cutShort)).map { fill &+ UInt8($0 % 7) }
        return Data(bytes)
    }

    func testEveryUnsafeInputIsAClearErrorAndChangesNothing() throws {
        let t = try TestSession()
        let files: [(String, Data)] = [
            ("wide.idx", Self.idx([6, 10, 10])), ("l6.idx", Self.idx([6], fill: 1)),
            ("none.idx", Self.idx([0, 28, 28])), ("l0.idx", Self.idx([0])),
            ("flat.idx", Self.idx([3, 0, 0])), ("l3.idx", Self.idx([3], fill: 2)),
            ("short.idx", Self.idx([6, 28, 28], cutShort: 100)),
        ]
        for (name, data) in files { try data.write(to: URL(fileURLWithPath: t.directory + "/" + name)) }
        t.run(
            """
            data = mnist train 300 test 100
            model ae:
                dense 16 relu
                latent 3 tanh
                dense 784 sigmoid
            wide = idx "wide.idx" "l6.idx"
            none = idx "none.idx" "l0.idx"
            empty = data.test[5:5]
            """)
        // (cell, error kind, words the message must hold)
        let cases: [(String, String, String)] = [
            ("progress ae", "ValueError", "no recorded progress"),
            ("show data.test[5:5]", "DataError", "holds no images"),
            ("show empty", "DataError", "holds no images"),
            ("show empty[0]", "ValueError", "out of range"),
            ("show data.train[label 11]", "ValueError", "label"),
            ("reconstruct ae data.test[5:5]", "DataError", "holds no images"),
            ("evaluate ae on empty", "DataError", "holds no images"),
            ("train ae on empty", "DataError", "holds no images"),
            ("train ae on none", "DataError", "holds no images"),
            ("train ae on wide", "ShapeError", "100"),
            ("reconstruct ae wide[0:2]", "ShapeError", "100"),
            ("train ae on data steps 0", "ValueError", "whole number"),
            ("train ae on data epochs 0", "ValueError", "whole number"),
            ("generate ae 0", "ValueError", "whole number"),
            ("interpolate ae data.test[0] data.test[5:5]", "DataError", "holds no images"),
            ("interpolate ae data.test[0] data.test[1] steps 0", "ValueError", "whole number"),
            ("interpolate ae data.test[0] wide[0]", "ShapeError", "different sizes"),
            ("traverse ae steps 0", "ValueError", "whole number"),
            ("traverse ae dim 99", "ValueError", "99"),
            ("traverse ae around empty", "DataError", "holds no images"),
            ("histogram ae empty", "DataError", "holds no images"),
            ("embed ae empty", "DataError", "holds no images"),
            ("embed data.test[0:2]", "ValueError", "at least 3 images"),
            ("flat = idx \"flat.idx\" \"l3.idx\"", "FileError", "0x0 pixels"),
            ("cut = idx \"short.idx\" \"l6.idx\"", "FileError", "short.idx"),
        ]
        for (code, kind, words) in cases {
            let before = t.fingerprint
            let (name, text) = t.fail(code)
            XCTAssertEqual(name, kind, "\(code):\n\(text)")
            XCTAssertTrue(text.contains(words), "\(code): '\(words)' not in\n\(text)")
            XCTAssertTrue(text.contains("^"), "\(code): no caret in\n\(text)")
            XCTAssertEqual(t.fingerprint, before, "\(code) changed the session")
        }
        // After it has met 28x28 images, other sizes are refused by name, and it still works.
        t.run("train ae on data steps 2")
        for code in ["reconstruct ae wide[0:2]", "train ae on wide", "evaluate ae on wide", "embed ae wide"] {
            let before = t.fingerprint
            let (name, text) = t.fail(code)
            XCTAssertEqual(name, "ShapeError", "\(code):\n\(text)")
            XCTAssertTrue(text.contains("28x28x1") && text.contains("10x10x1"), "\(code):\n\(text)")
            XCTAssertEqual(t.fingerprint, before, "\(code) changed the session")
        }
        XCTAssertTrue(t.run("generate ae 2\nreconstruct ae data.test[0:2]").contains("reconstructions"))
    }
}
