import Support

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A VAE's latent: two linear heads read the encoder's output, a mean μ and a log-variance
/// log σ². While training (or when `samplesLatent` asks) it returns the reparameterised sample
/// z = μ + σ ⊙ ε, ε ~ N(0, I); at evaluation it returns μ. Its KL divergence from N(0, I),
/// averaged over the batch, is added to the loss, and its gradient flows in `backward`.
public final class GaussianLatent: Layer, AuxiliaryLossLayer {
    public let units: Int
    public private(set) var inputSize = 0
    public private(set) var meanWeight = Parameter(name: "mean.weight", value: Tensor(zeros: [0, 0]))
    public private(set) var meanBias = Parameter(name: "mean.bias", value: Tensor(zeros: [0]))
    public private(set) var logVarianceWeight = Parameter(name: "logvar.weight", value: Tensor(zeros: [0, 0]))
    public private(set) var logVarianceBias = Parameter(name: "logvar.bias", value: Tensor(zeros: [0]))
    public private(set) var auxiliaryLoss: Float = 0
    /// The last forward's μ and log σ² (B, units each), for looking inside a trained VAE.
    public var lastMeanAndLogVariance: (mean: Tensor, logVariance: Tensor) { (mean, logVariance) }

    /// When set, used as ε instead of drawing it (reference tests against PyTorch).
    var fixedNoise: Tensor?

    private var input = Tensor(zeros: [0])
    private var mean = Tensor(zeros: [0])
    private var logVariance = Tensor(zeros: [0])
    private var noise = Tensor(zeros: [0])
    private var sampled = false

    public init(units: Int) { self.units = units }

    public var description: String { "latent \(units) gaussian" }
    public var parameters: [Parameter] { [meanWeight, meanBias, logVarianceWeight, logVarianceBias] }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard units > 0 else { throw ShapeError("a latent needs at least one unit, not \(units)") }
        return [units]
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        _ = try outputShape(for: inputShape)
        inputSize = inputShape.reduce(1, *)
        func head(_ name: String) -> (Parameter, Parameter) {
            let w = initializer.weights(count: inputSize * units, fanIn: inputSize, fanOut: units, rng: rng)
            let b = initializer.biases(count: units, fanIn: inputSize, rng: rng)
            return (
                Parameter(name: "\(name).weight", value: Tensor(shape: [inputSize, units], data: w)),
                Parameter(name: "\(name).bias", value: Tensor(shape: [units], data: b))
            )
        }
        (meanWeight, meanBias) = head("mean")
        (logVarianceWeight, logVarianceBias) = head("logvar")
    }

    // forward: x (B, inputs...) -> z (B, units)
    //   μ = x Wμ + bμ, log σ² = x Wv + bv   (B, units each)
    //   z = μ + exp(½ log σ²) ⊙ ε when sampling, else z = μ
    //   KL = -½ / B · Σ (1 + log σ² - μ² - σ²)
    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        guard x.sampleSize == inputSize else {
            throw ShapeError(
                "\(description) was built for \(inputSize) values per sample but got \(x.sampleSize) (\(Tensor.describe(x.sampleShape)))"
            )
        }
        input = x
        mean = AffineMath.forward(
            x, weight: meanWeight, bias: meanBias, inputs: inputSize, units: units, activation: .linear)
        logVariance = AffineMath.forward(
            x, weight: logVarianceWeight, bias: logVarianceBias, inputs: inputSize, units: units, activation: .linear)
        let batch = x.batch
        var kl: Double = 0
        for i in 0..<mean.count {
            let m = mean.data[i], lv = logVariance.data[i]
            kl += Double(1 + lv - m * m - exp(lv))
        }
        auxiliaryLoss = Float(-0.5 * kl / Double(max(batch, 1)))
        sampled = context.training || context.samplesLatent
        guard sampled else { return mean }
        if let fixedNoise, fixedNoise.shape == mean.shape {
            noise = fixedNoise
        } else {
            let rng = context.rng
            noise = Tensor(shape: mean.shape) { e in
                for i in 0..<e.count { e[i] = rng.nextNormal() }
            }
        }
        var z = mean
        for i in 0..<z.count { z.data[i] += exp(0.5 * logVariance.data[i]) * noise.data[i] }
        return z
    }

    // backward: dz (B, units) -> dx (B, inputs...)
    //   dμ = dz + μ / B;  d log σ² = ½ dz ⊙ ε ⊙ σ (when sampled) + ½ (σ² - 1) / B
    //   dWμ += xᵀ dμ, dbμ += Σ dμ, likewise for the log-variance head;  dx = dμ Wμᵀ + d log σ² Wvᵀ
    public func backward(_ dz: Tensor) throws -> Tensor {
        guard dz.shape == mean.shape else {
            throw ShapeError(
                "\(description) produced \(Tensor.describe(mean.shape)) but its gradient is \(Tensor.describe(dz.shape))"
            )
        }
        let scale = 1 / Float(max(dz.batch, 1))
        var dMean = dz
        var dLogVariance = Tensor(zeros: dz.shape)
        for i in 0..<dz.count {
            let lv = logVariance.data[i]
            let variance = exp(lv)
            dMean.data[i] += mean.data[i] * scale
            let sampledPart = sampled ? 0.5 * dz.data[i] * noise.data[i] * variance.squareRoot() : 0
            dLogVariance.data[i] = sampledPart + 0.5 * (variance - 1) * scale
        }
        AffineMath.accumulateParameterGradients(
            input: input, outputGradient: dMean, weight: meanWeight, bias: meanBias, inputs: inputSize, units: units)
        AffineMath.accumulateParameterGradients(
            input: input, outputGradient: dLogVariance, weight: logVarianceWeight, bias: logVarianceBias,
            inputs: inputSize, units: units)
        return Tensor(shape: input.shape) { dx in
            AffineMath.inputGradient(
                outputGradient: dMean, weight: meanWeight, inputs: inputSize, units: units, beta: 0,
                into: dx.baseAddress!)
            AffineMath.inputGradient(
                outputGradient: dLogVariance, weight: logVarianceWeight, inputs: inputSize, units: units, beta: 1,
                into: dx.baseAddress!)
        }
    }
}
