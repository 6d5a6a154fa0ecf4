import XCTest

@testable import Neural

/// Every spatial layer's backward agrees with central finite differences, for inputs and
/// parameters, over strides, both paddings, odd and even kernels and several channel counts.
final class SpatialGradientCheckTests: XCTestCase {
    func testConvSameStride1() throws {
        try checkGradients(of: Conv2D(filters: 3, kernel: 3), inputShape: [6, 5, 2])
    }

    func testConvSameStride2EvenSize() throws {
        try checkGradients(of: Conv2D(filters: 2, kernel: 3, stride: 2), inputShape: [8, 8, 3])
    }

    func testConvValidStride2() throws {
        try checkGradients(of: Conv2D(filters: 2, kernel: 3, stride: 2, padding: .valid), inputShape: [9, 7, 2])
    }

    func testConvEvenKernelSame() throws {
        try checkGradients(of: Conv2D(filters: 2, kernel: 6), inputShape: [8, 8, 2])
    }

    func testConvManyChannels() throws {
        try checkGradients(of: Conv2D(filters: 5, kernel: 5), inputShape: [7, 7, 4], batch: 3)
    }

    func testDeconvSameStride2() throws {
        try checkGradients(of: ConvTranspose2D(filters: 2, kernel: 3, stride: 2), inputShape: [4, 3, 3])
    }

    func testDeconvValidStride2() throws {
        try checkGradients(
            of: ConvTranspose2D(filters: 3, kernel: 4, stride: 2, padding: .valid), inputShape: [3, 3, 2])
    }

    func testDeconvKernelSmallerThanStride() throws {
        try checkGradients(of: ConvTranspose2D(filters: 2, kernel: 2, stride: 3), inputShape: [3, 3, 2])
    }

    func testMaxPool() throws {
        // A small step keeps every probe inside its window's winning margin (random normals).
        try checkGradients(of: Pool2D(kind: .max, size: 2), inputShape: [6, 5, 3], step: 1e-3, tolerance: 5e-3)
    }

    func testAveragePool() throws {
        try checkGradients(of: Pool2D(kind: .avg, size: 3), inputShape: [7, 6, 2])
    }

    func testUpsample() throws {
        try checkGradients(of: Upsample2D(factor: 2), inputShape: [3, 4, 2])
    }

    func testFlattenAndReshape() throws {
        try checkGradients(of: Flatten(), inputShape: [3, 4, 2])
        try checkGradients(of: Reshape([2, 12]), inputShape: [3, 4, 2])
    }
}
