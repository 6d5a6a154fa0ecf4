import Support

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Batch normalisation, as PyTorch's BatchNorm1d and BatchNorm2d: each channel is normalised to
/// zero mean and unit variance, then scaled by γ and shifted by β (both learned; γ starts at 1,
/// β at 0). A channel is the last axis of a sample: a dense layer's feature (B, F), an image's
/// channel (B, H, W, C), whose statistics run over the batch and every pixel.
///
/// While training, the batch's own mean and variance (the biased one, dividing by M) normalise
/// it, and running estimates follow them: mean ← (1 - m) mean + m μ, var ← (1 - m) var + m σ²
/// · M / (M - 1) (the unbiased variance), m the momentum. At evaluation the running estimates
/// normalise, so a sample's output does not depend on the others in its batch. They start at
/// 0 and 1, are saved with the model (`buffers`) and are never touched by the optimizer. A
/// training batch of one value per channel (M = 1, which PyTorch refuses) is normalised to β
/// and leaves the running estimates as they were: its unbiased variance does not exist.
///
///   forward:  x (B, ..., C) -> y (B, ..., C);  M = B · (values per channel in a sample)
///             μ_c, σ²_c = batch statistics (training) or running estimates (evaluation)
///             x̂ = (x - μ_c) / sqrt(σ²_c + ε);  y = γ_c x̂ + β_c
///   backward: dy (B, ..., C) -> dx (B, ..., C)
///             dβ_c += Σ dy;  dγ_c += Σ dy ⊙ x̂  (sums over the M values of channel c)
///             training:   dx = γ_c / sqrt(σ²_c + ε) · (dy - Σdy / M - x̂ · Σ(dy ⊙ x̂) / M)
///             evaluation: dx = γ_c / sqrt(σ²_c + ε) · dy
public final class BatchNorm: Layer, InputGradientSkippingLayer {
    /// PyTorch's defaults.
    public static let defaultMomentum: Float = 0.1
    public static let defaultEpsilon: Float = 1e-5

    public let momentum: Float
    public let epsilon: Float
    /// False for a model's first layer: its input gradient is skipped and `backward` returns an
    /// empty tensor.
    public var computesInputGradient = true

    public private(set) var gamma = Parameter(name: "gamma", value: Tensor(zeros: [0]))
    public private(set) var beta = Parameter(name: "beta", value: Tensor(zeros: [0]))
    public private(set) var runningMean = Buffer(name: "running_mean", value: Tensor(zeros: [0]))
    public private(set) var runningVariance = Buffer(name: "running_var", value: Tensor(zeros: [0]))

    private var sampleShape: [Int]?
    /// What backward needs from the last forward: x̂, 1 / sqrt(σ² + ε) per channel, and whether
    /// the batch's own statistics normalised it (then μ and σ² depend on x, and dx has two more terms).
    private var normalised = Tensor(zeros: [0])
    private var inverseDeviation: [Float] = []
    private var usedBatchStatistics = false

    public init(momentum: Float = BatchNorm.defaultMomentum, epsilon: Float = BatchNorm.defaultEpsilon) {
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var description: String {
        "batchnorm" + (momentum == Self.defaultMomentum ? "" : " momentum \(momentum)")
            + (epsilon == Self.defaultEpsilon ? "" : " eps \(epsilon)")
    }

    public var parameters: [Parameter] { [gamma, beta] }
    public var buffers: [Buffer] { [runningMean, runningVariance] }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard !input.isEmpty, input.allSatisfy({ $0 > 0 }) else {
            throw ShapeError("batchnorm needs a non-empty input shape but got \(shapeInParentheses(input))")
        }
        guard momentum >= 0, momentum <= 1 else {
            throw ShapeError("a batchnorm momentum must be between 0 and 1, not \(momentum)")
        }
        guard epsilon > 0 else { throw ShapeError("a batchnorm eps must be greater than 0, not \(epsilon)") }
        return input
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        _ = try outputShape(for: inputShape)
        let channels = inputShape.last!
        sampleShape = inputShape
        gamma = Parameter(name: "gamma", value: Tensor(shape: [channels], repeating: 1))
        beta = Parameter(name: "beta", value: Tensor(zeros: [channels]))
        runningMean = Buffer(name: "running_mean", value: Tensor(zeros: [channels]))
        runningVariance = Buffer(name: "running_var", value: Tensor(shape: [channels], repeating: 1))
    }

    private func built() throws -> [Int] {
        guard let sampleShape else { throw ShapeError("batchnorm was used before it was built for an input shape") }
        return sampleShape
    }

    // forward: x (B, ..., C) -> y (B, ..., C); y = γ (x - μ) / sqrt(σ² + ε) + β per channel
    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        let shape = try built()
        try checkBatchShape(x, expected: shape, layer: description)
        let channels = shape.last!, rows = x.count / channels
        usedBatchStatistics = context.training
        guard rows > 0 else {
            normalised = x
            return x
        }
        var mean: [Double], variance: [Double]
        if context.training {
            (mean, variance) = x.data.withUnsafeBufferPointer {
                Self.statistics($0.baseAddress!, rows: rows, channels: channels)
            }
            if rows > 1 { updateRunningEstimates(mean: mean, biasedVariance: variance, count: rows) }
        } else {
            mean = runningMean.value.data.map(Double.init)
            variance = runningVariance.value.data.map(Double.init)
        }
        let eps = Double(epsilon)
        inverseDeviation = variance.map { Float(1 / (max($0, 0) + eps).squareRoot()) }
        let center = mean.map { Float($0) }
        var xHat = x
        let y = Tensor(shape: x.shape) { out in
            xHat.data.withUnsafeMutableBufferPointer { xh in
                inverseDeviation.withUnsafeBufferPointer { inv in
                    center.withUnsafeBufferPointer { mu in
                        gamma.value.data.withUnsafeBufferPointer { g in
                            beta.value.data.withUnsafeBufferPointer { b in
                                let (xh, y) = (xh.baseAddress!, out.baseAddress!)
                                let (inv, mu, g, b) = (
                                    inv.baseAddress!, mu.baseAddress!, g.baseAddress!, b.baseAddress!
                                )
                                ComputeTeam.engine.forEachRange(rows, minimum: Self.rowsPerBand(channels), alignment: 1)
                                {
                                    band in
                                    Self.normalise(
                                        xh, y, rows: band, channels: channels, mean: mu, inverse: inv, gamma: g, beta: b
                                    )
                                }
                            }
                        }
                    }
                }
            }
        }
        normalised = xHat
        return y
    }

    /// running ← (1 - m) running + m · batch, with the unbiased variance (PyTorch's update).
    private func updateRunningEstimates(mean: [Double], biasedVariance: [Double], count: Int) {
        let m = momentum, correction = Double(count) / Double(count - 1)
        for c in mean.indices {
            runningMean.value.data[c] = (1 - m) * runningMean.value.data[c] + m * Float(mean[c])
            runningVariance.value.data[c] =
                (1 - m) * runningVariance.value.data[c] + m * Float(biasedVariance[c] * correction)
        }
    }

    // backward: dy (B, ..., C) -> dx (B, ..., C)
    //   dβ += Σ dy, dγ += Σ dy ⊙ x̂ per channel;
    //   dx = γ / sqrt(σ² + ε) · (dy - Σdy / M - x̂ · Σ(dy ⊙ x̂) / M) in training, γ / sqrt(σ² + ε) · dy otherwise
    public func backward(_ dy: Tensor) throws -> Tensor {
        let shape = try built()
        guard dy.shape == normalised.shape else {
            throw ShapeError(
                "\(description) produced \(Tensor.describe(normalised.shape)) but its gradient is \(Tensor.describe(dy.shape))"
            )
        }
        let channels = shape.last!, rows = dy.count / channels
        let (sumDy, sumDyXHat) = dy.data.withUnsafeBufferPointer { g in
            normalised.data.withUnsafeBufferPointer { xh in
                Self.gradientSums(g.baseAddress!, xh.baseAddress!, rows: rows, channels: channels)
            }
        }
        let overwritesBeta = beta.takesOverwrite(), overwritesGamma = gamma.takesOverwrite()
        for c in 0..<channels {
            beta.grad.data[c] = (overwritesBeta ? 0 : beta.grad.data[c]) + Float(sumDy[c])
            gamma.grad.data[c] = (overwritesGamma ? 0 : gamma.grad.data[c]) + Float(sumDyXHat[c])
        }
        guard computesInputGradient else { return Tensor(zeros: [0]) }
        guard rows > 0 else { return dy }
        // dx = scale · dy - (meanDy + x̂ · meanDyXHat) · scale, the two means zero at evaluation.
        let scale = zip(gamma.value.data, inverseDeviation).map { $0 * $1 }
        let batchTerms = usedBatchStatistics
        let meanDy = sumDy.map { batchTerms ? Float($0 / Double(rows)) : 0 }
        let meanDyXHat = sumDyXHat.map { batchTerms ? Float($0 / Double(rows)) : 0 }
        return Tensor(shape: dy.shape) { dx in
            dy.data.withUnsafeBufferPointer { g in
                normalised.data.withUnsafeBufferPointer { xh in
                    scale.withUnsafeBufferPointer { s in
                        meanDy.withUnsafeBufferPointer { md in
                            meanDyXHat.withUnsafeBufferPointer { mx in
                                let (g, xh, dx) = (g.baseAddress!, xh.baseAddress!, dx.baseAddress!)
                                let (s, md, mx) = (s.baseAddress!, md.baseAddress!, mx.baseAddress!)
                                ComputeTeam.engine.forEachRange(rows, minimum: Self.rowsPerBand(channels), alignment: 1)
                                {
                                    band in
                                    Self.inputGradient(
                                        g, xh, dx, rows: band, channels: channels, scale: s, meanDy: md,
                                        meanDyXHat: mx)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: - Loops (every input a parameter, so that they vectorise)

    /// Rows per band of the element-wise passes: at least 16K values a band.
    private static func rowsPerBand(_ channels: Int) -> Int { max(1, Activation.elementsPerBand / max(channels, 1)) }

    /// Each channel's mean and biased variance over `rows` rows, summed in Double in row order
    /// (two passes: the mean, then the squared deviations from it).
    static func statistics(_ x: UnsafePointer<Float>, rows: Int, channels: Int) -> (mean: [Double], variance: [Double])
    {
        var sum = [Double](repeating: 0, count: channels)
        var squares = [Double](repeating: 0, count: channels)
        sum.withUnsafeMutableBufferPointer { s in
            for r in 0..<rows {
                let row = x + r * channels
                for c in 0..<channels { s[c] += Double(row[c]) }
            }
            for c in 0..<channels { s[c] /= Double(rows) }
        }
        squares.withUnsafeMutableBufferPointer { q in
            sum.withUnsafeBufferPointer { mean in
                for r in 0..<rows {
                    let row = x + r * channels
                    for c in 0..<channels {
                        let d = Double(row[c]) - mean[c]
                        q[c] += d * d
                    }
                }
            }
            for c in 0..<channels { q[c] /= Double(rows) }
        }
        return (sum, squares)
    }

    /// x̂ = (x - mean) · inverse (in place), y = γ x̂ + β, over `rows`.
    static func normalise(
        _ xHat: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Range<Int>, channels: Int,
        mean: UnsafePointer<Float>, inverse: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>
    ) {
        for r in rows {
            let xr = xHat + r * channels, yr = y + r * channels
            for c in 0..<channels {
                let v = (xr[c] - mean[c]) * inverse[c]
                xr[c] = v
                yr[c] = v * gamma[c] + beta[c]
            }
        }
    }

    /// Σ dy and Σ dy ⊙ x̂ per channel, in Double, in row order.
    static func gradientSums(_ dy: UnsafePointer<Float>, _ xHat: UnsafePointer<Float>, rows: Int, channels: Int)
        -> ([Double], [Double])
    {
        var sumDy = [Double](repeating: 0, count: channels)
        var sumDyXHat = [Double](repeating: 0, count: channels)
        sumDy.withUnsafeMutableBufferPointer { a in
            sumDyXHat.withUnsafeMutableBufferPointer { b in
                for r in 0..<rows {
                    let g = dy + r * channels, xh = xHat + r * channels
                    for c in 0..<channels {
                        a[c] += Double(g[c])
                        b[c] += Double(g[c]) * Double(xh[c])
                    }
                }
            }
        }
        return (sumDy, sumDyXHat)
    }

    /// dx = scale · (dy - meanDy - x̂ · meanDyXHat) over `rows`.
    static func inputGradient(
        _ dy: UnsafePointer<Float>, _ xHat: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, rows: Range<Int>,
        channels: Int, scale: UnsafePointer<Float>, meanDy: UnsafePointer<Float>, meanDyXHat: UnsafePointer<Float>
    ) {
        for r in rows {
            let g = dy + r * channels, xh = xHat + r * channels, d = dx + r * channels
            for c in 0..<channels { d[c] = scale[c] * (g[c] - meanDy[c] - xh[c] * meanDyXHat[c]) }
        }
    }
}

/// `batchnorm`, `batchnorm relu`, `batchnorm momentum 0.01 eps 1e-3`: batch normalisation of the
/// line above's output (per feature after a dense layer, per channel after a convolution), and
/// the activation after it, if any (`dense 256` then `batchnorm relu`: normalised before the ReLU).
public struct BatchNormLine: LayerDeclaration {
    public static let keyword = "batchnorm"
    public static let grammar: LayerGrammar? = LayerGrammar(
        keyword,
        options: [
            LayerOption(
                "momentum", .number("the momentum", .fraction), default: .number(Double(BatchNorm.defaultMomentum))),
            LayerOption("eps", .number("eps", .positive), default: .number(Double(BatchNorm.defaultEpsilon))),
        ], takesActivation: true)

    public var activation: Activation
    public var momentum: Float
    public var epsilon: Float

    public init(
        activation: Activation = .linear, momentum: Float = BatchNorm.defaultMomentum,
        epsilon: Float = BatchNorm.defaultEpsilon
    ) {
        self.activation = activation
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public init(line: LayerLine) throws {
        self.init(
            activation: line.activation ?? .linear,
            momentum: try line.number("momentum").map(Float.init) ?? BatchNorm.defaultMomentum,
            epsilon: try line.number("eps").map(Float.init) ?? BatchNorm.defaultEpsilon)
    }

    public var text: String {
        "batchnorm" + LayerText.activationSuffix(activation)
            + (momentum == BatchNorm.defaultMomentum ? "" : " momentum \(momentum)")
            + (epsilon == BatchNorm.defaultEpsilon ? "" : " eps \(epsilon)")
    }

    public func makeLayers() -> [Layer] {
        let norm = BatchNorm(momentum: momentum, epsilon: epsilon)
        return activation == .linear ? [norm] : [norm, ActivationLayer(activation)]
    }

    /// γ and β, one each per channel (the input's last size).
    public func parameterCount(input: [Int]) -> Int? { LayerCount.product([2, input.last ?? 1]) }
    /// The running mean and variance, one each per channel.
    public func bufferCount(input: [Int]) -> Int? { LayerCount.product([2, input.last ?? 1]) }
    public var outputActivation: Activation { activation }
}

extension LayerSpec {
    public static func batchnorm(
        activation: Activation = .linear, momentum: Float = BatchNorm.defaultMomentum,
        epsilon: Float = BatchNorm.defaultEpsilon
    ) -> LayerSpec {
        LayerSpec(BatchNormLine(activation: activation, momentum: momentum, epsilon: epsilon))
    }
}
