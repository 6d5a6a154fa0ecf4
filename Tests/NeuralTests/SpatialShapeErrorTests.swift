import Support
import XCTest

@testable import Neural

/// Shapes that do not fit are thrown as ShapeError naming both shapes; nothing traps.
final class SpatialShapeErrorTests: XCTestCase {
    private func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            XCTFail("expected a ShapeError")
            return ""
        } catch let error as ShapeError {
            return error.message
        } catch {
            XCTFail("expected a ShapeError, got \(error)")
            return ""
        }
    }

    private let rng = SeededGenerator(seed: 3)

    func testConvOnAFlatVectorSaysWhatItNeeds() {
        let text = message { _ = try Conv2D(filters: 4, kernel: 5).outputShape(for: [784]) }
        XCTAssertTrue(text.contains("(height, width, channels)") && text.contains("(784)"), text)
        XCTAssertTrue(text.contains("reshape"), text)
    }

    func testValidKernelLargerThanImage() {
        let text = message { _ = try Conv2D(filters: 2, kernel: 5, padding: .valid).outputShape(for: [4, 4, 1]) }
        XCTAssertTrue(text.contains("5x5") && text.contains("(4x4x1)"), text)
    }

    func testForwardWithTheWrongImageSize() throws {
        let conv = Conv2D(filters: 2, kernel: 3)
        try conv.build(inputShape: [8, 8, 1], initializer: .glorotUniform, rng: rng)
        let text = message { _ = try conv.forward(Tensor(zeros: [2, 7, 8, 1]), context: evaluationContext()) }
        XCTAssertTrue(text.contains("(8x8x1)") && text.contains("(2x7x8x1)"), text)
    }

    func testBackwardWithTheWrongGradientShape() throws {
        let deconv = ConvTranspose2D(filters: 2, kernel: 3, stride: 2)
        try deconv.build(inputShape: [4, 4, 1], initializer: .glorotUniform, rng: rng)
        _ = try deconv.forward(Tensor(zeros: [2, 4, 4, 1]), context: evaluationContext())
        let text = message { _ = try deconv.backward(Tensor(zeros: [2, 4, 4, 2])) }
        XCTAssertTrue(text.contains("(8x8x2)") && text.contains("(2x4x4x2)"), text)
    }

    func testBackwardBeforeForward() throws {
        let conv = Conv2D(filters: 1, kernel: 3)
        try conv.build(inputShape: [4, 4, 1], initializer: .glorotUniform, rng: rng)
        let text = message { _ = try conv.backward(Tensor(zeros: [1, 4, 4, 1])) }
        XCTAssertEqual(text, "conv 1 kernel 3: backward called before forward")
    }

    func testUseBeforeBuild() {
        let pool = message {
            _ = try Pool2D(kind: .max, size: 2).forward(Tensor(zeros: [1, 4, 4, 1]), context: evaluationContext())
        }
        XCTAssertEqual(pool, "pool max 2 was used before it was built for an input shape")
        let upsample = message { _ = try Upsample2D(factor: 2).backward(Tensor(zeros: [1, 4, 4, 1])) }
        XCTAssertEqual(upsample, "upsample 2 was used before it was built for an input shape")
        let conv = message {
            _ = try Conv2D(filters: 2, kernel: 3).forward(Tensor(zeros: [1, 4, 4, 1]), context: evaluationContext())
        }
        XCTAssertEqual(conv, "conv 2 kernel 3 was used before it was built for an input shape")
    }

    func testPoolLargerThanImage() {
        let text = message { _ = try Pool2D(kind: .max, size: 4).outputShape(for: [3, 8, 2]) }
        XCTAssertTrue(text.contains("4x4") && text.contains("(3x8x2)"), text)
    }

    func testReshapeNamesBothSizes() {
        let text = message { _ = try Reshape([7, 7, 16]).outputShape(for: [392]) }
        XCTAssertTrue(text.contains("784") && text.contains("7x7x16") && text.contains("392"), text)
    }

    func testNonsenseSettings() {
        // Each names the layer as written and the setting that is out of range.
        XCTAssertEqual(
            message { _ = try Conv2D(filters: 0, kernel: 3).outputShape(for: [4, 4, 1]) },
            "conv 0 kernel 3 needs at least 1 filter")
        XCTAssertEqual(
            message { _ = try Conv2D(filters: 2, kernel: 0).outputShape(for: [4, 4, 1]) },
            "conv 2 kernel 0 needs a kernel and stride of at least 1 (got kernel 0, stride 1)")
        XCTAssertEqual(
            message { _ = try ConvTranspose2D(filters: 2, kernel: 3, stride: 0).outputShape(for: [4, 4, 1]) },
            "deconv 2 kernel 3 stride 0 needs at least 1 filter, a kernel and a stride of at least 1")
        XCTAssertEqual(
            message { _ = try Upsample2D(factor: 0).outputShape(for: [4, 4, 1]) },
            "upsample 0 needs a factor of at least 1")
        XCTAssertEqual(
            message { _ = try Pool2D(kind: .avg, size: 0).outputShape(for: [4, 4, 1]) },
            "pool avg 0 needs a size of at least 1")
        let reshape = message { _ = try Reshape([]).outputShape(for: [4]) }
        XCTAssertTrue(
            reshape.hasPrefix("reshape") && reshape.hasSuffix("needs one or more sizes, each at least 1"), reshape)
        XCTAssertEqual(
            message { _ = try Reshape([7, 0]).outputShape(for: [4]) },
            "reshape 7 0 needs one or more sizes, each at least 1")
    }

    func testOutputShapes() throws {
        XCTAssertEqual(try Conv2D(filters: 4, kernel: 6).outputShape(for: [28, 28, 8]), [28, 28, 4])
        XCTAssertEqual(try Conv2D(filters: 4, kernel: 3, stride: 2).outputShape(for: [7, 8, 1]), [4, 4, 4])
        XCTAssertEqual(
            try Conv2D(filters: 4, kernel: 3, stride: 2, padding: .valid).outputShape(for: [7, 8, 1]), [3, 3, 4])
        XCTAssertEqual(try ConvTranspose2D(filters: 8, kernel: 3, stride: 2).outputShape(for: [7, 7, 4]), [14, 14, 8])
        XCTAssertEqual(
            try ConvTranspose2D(filters: 8, kernel: 3, stride: 2, padding: .valid).outputShape(for: [7, 7, 4]),
            [15, 15, 8])
        XCTAssertEqual(try Pool2D(kind: .avg, size: 2).outputShape(for: [7, 7, 3]), [3, 3, 3])
        XCTAssertEqual(try Upsample2D(factor: 2).outputShape(for: [7, 7, 16]), [14, 14, 16])
        XCTAssertEqual(try Flatten().outputShape(for: [7, 7, 8]), [392])
    }
}
