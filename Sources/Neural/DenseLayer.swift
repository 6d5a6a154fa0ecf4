import Support

/// A fully connected layer with a fused activation: y = f(x W + b).
/// Any per-sample input shape is flattened implicitly (Keras would need a Flatten first).
/// W is stored (inputs x units), as Keras stores it, so the forward product needs no transpose.
public final class Dense: Layer, PlannedLayer, InputGradientSkippingLayer {
    public let units: Int
    public let activation: Activation
    public var computesInputGradient = true
    public private(set) var inputSize = 0
    public private(set) var weight = Parameter(name: "weight", value: Tensor(zeros: [0, 0]))
    public private(set) var bias = Parameter(name: "bias", value: Tensor(zeros: [0]))

    private var input = Tensor(zeros: [0])
    private var output = Tensor(zeros: [0])
    /// The last input in sparse form, when it was mostly zeros (MNIST pixels, or ReLU outputs
    /// after dropout): both products with it then skip the zeros.
    private var sparseInput: SparseInput?
    /// The last input's columns that were not all zero, when enough were (ReLU units that no
    /// sample turned on), with W's rows for them: the products then leave the others out.
    private var activeInputs: ActiveInputs?

    /// Whether dense layers leave all-zero input columns out of their products (ActiveInputs);
    /// tests turn it off to compare with the plain products.
    nonisolated(unsafe) static var leavesOutDeadInputs = true

    public init(units: Int, activation: Activation = .linear) {
        self.units = units
        self.activation = activation
    }

    public var description: String {
        activation == .linear ? "dense \(units)" : "dense \(units) \(activation.rawValue)"
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func outputShape(for input: [Int]) throws -> [Int] {
        guard units > 0 else { throw ShapeError("a dense layer needs at least one unit, not \(units)") }
        return [units]
    }

    public func build(inputShape: [Int], initializer: Initializer, rng: SeededGenerator) throws {
        _ = try outputShape(for: inputShape)
        inputSize = inputShape.reduce(1, *)
        let weights = initializer.weights(count: inputSize * units, fanIn: inputSize, fanOut: units, rng: rng)
        weight = Parameter(name: "weight", value: Tensor(shape: [inputSize, units], data: weights))
        bias = Parameter(
            name: "bias",
            value: Tensor(shape: [units], data: initializer.biases(count: units, fanIn: inputSize, rng: rng)))
    }

    public func forward(_ x: Tensor, context: ForwardContext) throws -> Tensor {
        try forward(x, context: context, plan: .plain)
    }

    // forward: x (B, inputs...) -> y (B, units)
    //   y = f(x W + b), x viewed as (B, inputs), W (inputs, units), b (units)
    //   (z = x W + b, the logits, when the plan says so)
    func forward(_ x: Tensor, context: ForwardContext, plan: LayerPlan) throws -> Tensor {
        guard x.sampleSize == inputSize else {
            throw ShapeError(
                "\(description) was built for \(inputSize) values per sample but got \(x.sampleSize) (\(Tensor.describe(x.sampleShape)))"
            )
        }
        sparseInput = SparseInput(x)
        // Narrow layers (a 16-unit latent) save less than finding and copying the columns costs.
        activeInputs =
            sparseInput == nil && units >= 128 && Dense.leavesOutDeadInputs
            ? ActiveInputs(x, weights: weight.value.data, units: units) : nil
        let y = AffineMath.forward(
            x, weight: weight, bias: bias, inputs: inputSize, units: units,
            activation: plan.emitsLogits ? .linear : activation, sparse: sparseInput, active: activeInputs)
        input = x
        output = y
        return y
    }

    public func backward(_ dy: Tensor) throws -> Tensor {
        try backward(dy, plan: .plain)
    }

    // backward: dy (B, units) -> dx (B, inputs...)
    //   dz = dy ⊙ f'(z)   (from the cached output; skipped when the plan hands this layer
    //                      dL/d(pre-activation): the loss took logits or applied it)
    //   dW += xᵀ dz  (inputs, units);  db += Σ_batch dz  (units);  dx = dz Wᵀ  (B, inputs)
    //   (dx left zero in the columns of dead inputs when the plan says the layer below is a ReLU)
    func backward(_ dy: Tensor, plan: LayerPlan) throws -> Tensor {
        let dz = try (plan.takesPreActivationGradient ? .linear : activation).inputGradient(
            dy, output: output, layer: description)
        if sparseInput == nil {
            // Both products and the bias sums in one job.
            guard computesInputGradient else {
                AffineMath.backward(
                    input: input, outputGradient: dz, weight: weight, bias: bias, inputs: inputSize, units: units,
                    inputGradient: nil, active: activeInputs)
                return Tensor(zeros: [0])
            }
            return Tensor(shape: input.shape) { dx in
                AffineMath.backward(
                    input: input, outputGradient: dz, weight: weight, bias: bias, inputs: inputSize, units: units,
                    inputGradient: dx.baseAddress!, active: activeInputs,
                    leavesOutDeadInputGradients: plan.leavesOutDeadInputGradients)
            }
        }
        AffineMath.accumulateParameterGradients(
            input: input, outputGradient: dz, weight: weight, bias: bias, inputs: inputSize, units: units,
            sparse: sparseInput)
        // The first layer's input needs no gradient: an empty tensor stands for "not computed".
        guard computesInputGradient else { return Tensor(zeros: [0]) }
        return Tensor(shape: input.shape) { dx in
            AffineMath.inputGradient(
                outputGradient: dz, weight: weight, inputs: inputSize, units: units, beta: 0, into: dx.baseAddress!)
        }
    }
}

/// `dense 512 relu dropout 0.2`: a dense layer with its activation, and the dropout after it.
public struct DenseLine: LayerDeclaration {
    public static let keyword = "dense"
    public static let grammar: LayerGrammar? = LayerGrammar(
        keyword, arguments: [LayerArgument("units", .size("the number of units"))],
        options: [LayerOption("dropout", .number("dropout", .fraction))], takesActivation: true)

    public var units: Int
    public var activation: Activation
    public var dropout: Float?

    public init(units: Int, activation: Activation, dropout: Float?) {
        self.units = units
        self.activation = activation
        self.dropout = dropout
    }

    public init(line: LayerLine) throws {
        self.init(
            units: try line.integer("units"), activation: line.activation ?? .linear,
            dropout: try line.number("dropout").map(Float.init))
    }

    public var text: String {
        "dense \(units)" + LayerText.activationSuffix(activation) + (dropout.map { " dropout \($0)" } ?? "")
    }

    public func makeLayers() -> [Layer] {
        let dense = Dense(units: units, activation: activation)
        if let dropout, dropout > 0 { return [dense, Dropout(rate: dropout)] }
        return [dense]
    }

    public func parameterCount(input: [Int]) -> Int? {
        LayerCount.affine(fanIn: LayerCount.product(input), units: units)
    }
    public var outputActivation: Activation { activation }
}

extension LayerSpec {
    public static func dense(units: Int, activation: Activation, dropout: Float?) -> LayerSpec {
        LayerSpec(DenseLine(units: units, activation: activation, dropout: dropout))
    }
}
