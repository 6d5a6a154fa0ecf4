import XCTest

@testable import Neural

/// Every spatial layer's backward agrees with central finite differences, for inputs and
/// parameters, over strides, both paddings, odd and even kernels and several channel counts.
/// Uses the engine's GradientCheck (GradientCheck.swift) with tighter tolerances: convolutions
/// are linear in input and kernel, so central differences are exact but for float32 rounding.
final class SpatialGradientCheckTests: XCTestCase {
    private let linear = GradientCheck(step: 1e-2, absoluteTolerance: 2e-3, relativeTolerance: 2e-3)
    /// Max pooling is piecewise linear: a small step stays inside each window's winning margin.
    private let piecewise = GradientCheck(step: 1e-3, absoluteTolerance: 5e-3, relativeTolerance: 5e-3)

    func testConvSameStride1() throws {
        try linear.check(Conv2D(filters: 3, kernel: 3), inputShape: [6, 5, 2])
    }

    func testConvSameStride2EvenSize() throws {
        try linear.check(Conv2D(filters: 2, kernel: 3, stride: 2), inputShape: [8, 8, 3])
    }

    func testConvValidStride2() throws {
        try linear.check(Conv2D(filters: 2, kernel: 3, stride: 2, padding: .valid), inputShape: [9, 7, 2])
    }

    func testConvEvenKernelSame() throws {
        try linear.check(Conv2D(filters: 2, kernel: 6), inputShape: [8, 8, 2])
    }

    func testConvManyChannels() throws {
        try linear.check(Conv2D(filters: 5, kernel: 5), inputShape: [7, 7, 4], batch: 3)
    }

    func testDeconvSameStride2() throws {
        try linear.check(ConvTranspose2D(filters: 2, kernel: 3, stride: 2), inputShape: [4, 3, 3])
    }

    func testDeconvValidStride2() throws {
        try linear.check(ConvTranspose2D(filters: 3, kernel: 4, stride: 2, padding: .valid), inputShape: [3, 3, 2])
    }

    func testDeconvKernelSmallerThanStride() throws {
        try linear.check(ConvTranspose2D(filters: 2, kernel: 2, stride: 3), inputShape: [3, 3, 2])
    }

    func testMaxPool() throws {
        try piecewise.check(Pool2D(kind: .max, size: 2), inputShape: [6, 5, 3])
    }

    func testAveragePool() throws {
        try linear.check(Pool2D(kind: .avg, size: 3), inputShape: [7, 6, 2])
    }

    func testUpsample() throws {
        try linear.check(Upsample2D(factor: 2), inputShape: [3, 4, 2])
    }

    func testFlattenAndReshape() throws {
        try linear.check(Flatten(), inputShape: [3, 4, 2])
        try linear.check(Reshape([2, 12]), inputShape: [3, 4, 2])
    }
}
