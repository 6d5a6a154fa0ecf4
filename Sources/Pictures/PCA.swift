import CBLAS

/// Principal component analysis: the data centred, its covariance decomposed, the points
/// projected on the leading directions. Each component's largest-magnitude entry is made
/// positive (scikit-learn's sign convention), so results are repeatable and comparable.
public struct PCA: Sendable {
    public var components: Int

    public init(components: Int = 2) {
        self.components = components
    }

    public struct Result: Sendable {
        /// count x components, row-major.
        public var projected: [Float]
        /// components x features, row-major; unit vectors.
        public var directions: [Float]
        /// Variance along each direction (divided by count - 1, as scikit-learn).
        public var explainedVariance: [Double]
        public var mean: [Float]
    }

    /// - Parameter data: `count` rows of `features` values.
    public func fit(_ data: [Float], count: Int, features: Int) throws -> Result {
        try checkMatrix(data, count: count, features: features, minimumCount: 2)
        guard components >= 1, components <= min(count, features) else {
            throw PicturesError.invalidOption(
                name: "components", value: "\(components)", reason: "must be between 1 and \(min(count, features))")
        }
        let (centred, mean) = centreColumns(data, count: count, features: features)
        var covariance = [Float](repeating: 0, count: features * features)
        centred.withUnsafeBufferPointer { x in
            covariance.withUnsafeMutableBufferPointer { c in
                cblas_ssyrk(
                    CblasRowMajor, CblasUpper, CblasTrans, Int32(features), Int32(count), 1 / Float(count - 1),
                    x.baseAddress, Int32(features), 0, c.baseAddress, Int32(features))
            }
        }
        for i in 0..<features { for j in 0..<i { covariance[i * features + j] = covariance[j * features + i] } }
        var pairs = try SymmetricEigen.top(components, of: covariance, n: features)
        SymmetricEigen.fixSigns(&pairs.vectors, count: components, length: features)
        let directions = pairs.vectors.map(Float.init)
        var projected = [Float](repeating: 0, count: count * components)
        centred.withUnsafeBufferPointer { x in
            directions.withUnsafeBufferPointer { v in
                projected.withUnsafeMutableBufferPointer { p in
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(components), Int32(features), 1,
                        x.baseAddress, Int32(features), v.baseAddress, Int32(features), 0, p.baseAddress,
                        Int32(components))
                }
            }
        }
        return Result(projected: projected, directions: directions, explainedVariance: pairs.values, mean: mean)
    }
}

func checkMatrix(_ data: [Float], count: Int, features: Int, minimumCount: Int) throws {
    guard count >= minimumCount else {
        throw PicturesError.invalidOption(
            name: "points", value: "\(count)", reason: "at least \(minimumCount) are needed")
    }
    guard features >= 1 else { throw PicturesError.emptyInput(what: "each point") }
    guard data.count == count * features else {
        throw PicturesError.badSize(what: "the data", expected: count * features, actual: data.count)
    }
    guard data.allSatisfy(\.isFinite) else {
        throw PicturesError.invalidOption(name: "data", value: "NaN or infinity", reason: "every value must be finite")
    }
}

/// Subtracts each column's mean (accumulated in Double).
func centreColumns(_ data: [Float], count: Int, features: Int) -> (centred: [Float], mean: [Float]) {
    var sums = [Double](repeating: 0, count: features)
    for i in 0..<count { for j in 0..<features { sums[j] += Double(data[i * features + j]) } }
    let mean = sums.map { Float($0 / Double(count)) }
    var centred = data
    for i in 0..<count { for j in 0..<features { centred[i * features + j] -= mean[j] } }
    return (centred, mean)
}
