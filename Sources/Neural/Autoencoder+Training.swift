import CKernels
import Support
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Autoencoder {
    /// Trains on `train` (batch, inputShape...) with shuffled mini-batches, recording each
    /// epoch's train loss (and test loss on `test`) in `history`. `progress` is called after
    /// every batch; returning false stops training there (the model keeps what it learned).
    /// `epochEnded` is called after every complete epoch, once the model is all it will be at
    /// the start of the next one (history, counters, generator, test loss): a snapshot taken
    /// there goes on exactly as this call would. A NaN or infinite loss stops training and puts
    /// back the weights of the step before.
    @discardableResult
    public func train(
        on train: any SampleSet, test: (any SampleSet)? = nil, options: TrainingOptions,
        progress: (TrainingProgress) -> Bool = { _ in true },
        epochEnded: (EpochRecord) -> Void = { _ in }
    ) throws -> TrainingReport {
        try checkConforming(train)
        if let test { try checkConforming(test) }
        guard train.batch > 0 else { throw ModelError("there are no training samples") }
        guard options.batchSize > 0 else {
            throw ModelError("a batch needs at least one sample, not \(options.batchSize)")
        }
        guard options.learningRate.isFinite, options.learningRate > 0 else {
            throw ModelError("a learning rate must be positive, not \(options.learningRate)")
        }
        if case .gaussian(let sigma) = options.noise, !(sigma >= 0) {
            throw ModelError("a noise level must be zero or more, not \(sigma)")
        }
        if case .mask(let fraction) = options.noise, !(fraction >= 0 && fraction <= 1) {
            throw ModelError("a mask fraction must be between 0 and 1, not \(fraction)")
        }
        let batchSize = min(options.batchSize, train.batch)
        let batchesPerEpoch = options.batchesPerEpoch(samples: train.batch)
        let totalSteps: Int
        switch options.length {
        case .epochs(let n):
            guard n > 0 else { throw ModelError("train for at least one epoch, not \(n)") }
            totalSteps = n * batchesPerEpoch
        case .steps(let n):
            guard n > 0 else { throw ModelError("train for at least one step, not \(n)") }
            totalSteps = n
        }
        if let seed = options.seed { trainingRNG = SeededGenerator(seed: seed) }

        let parameters = self.parameters
        if optimizerState == nil || optimizerState!.kind != options.optimizer || !optimizerState!.fits(parameters) {
            optimizerState = OptimizerState(kind: options.optimizer, parameters: parameters)
        }
        var previous = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        var havePrevious = false
        // Buffers (running statistics) change in the forward pass: a step whose loss is not
        // finite puts back the ones from before it, with the weights they go with.
        let buffers = self.buffers

        // Which fused paths the steps take, worked out once. Each step hands the layers their
        // parts; nothing is set on them, so the hook sees the plain model.
        let plan = trainingPlan(for: options.loss)

        let context = ForwardContext(training: true, rng: trainingRNG)
        let clock = ContinuousClock()
        let callStart = clock.now
        var records: [EpochRecord] = []
        var stepsDone = 0
        var stop = TrainingStop.finished

        training: while stepsDone < totalSteps {
            let epoch = epochsTrained + 1
            let epochStart = clock.now
            let order = shuffledOrder(count: train.batch)
            var lossSum: Double = 0
            var samplesSeen = 0
            var batch = 0
            while batch < batchesPerEpoch && stepsDone < totalSteps {
                let indices = order[batch * batchSize..<min((batch + 1) * batchSize, train.batch)]
                let clean = try conformingInput(train.gathering(indices))
                let input = options.noise == .none ? clean : corrupt(clean, with: options.noise)
                batch += 1
                let buffersBefore = buffers.map(\.value.data)
                let loss = try trainingStep(input: input, target: clean, plan: plan, context: context)
                let gradientsFinite = loss.isFinite && parameters.gradientsAreFinite
                if !gradientsFinite {
                    if !loss.isFinite {
                        for (buffer, values) in zip(buffers, buffersBefore) { buffer.value.data = values }
                        if havePrevious { restore(parameters, from: previous) }
                    }
                    stop = .diverged(epoch: epoch, batch: batch, step: stepsTrained + 1)
                    let part = record(
                        epoch, lossSum, samplesSeen, batch - 1, epochStart, clock, complete: false, options.loss)
                    records.append(part)
                    history.append(part)
                    break training
                }
                optimizerState!.update(parameters, learningRate: options.learningRate, previous: &previous)
                havePrevious = true
                stepsDone += 1
                stepsTrained += 1
                lossSum += Double(loss) * Double(indices.count)
                samplesSeen += indices.count
                let report = TrainingProgress(
                    epoch: epoch, batch: batch, batchesPerEpoch: batchesPerEpoch, step: stepsDone,
                    totalSteps: totalSteps, runningLoss: Float(lossSum / Double(samplesSeen)),
                    seconds: seconds(from: callStart, clock))
                // The hook may look at the model (reconstruct a few digits): it sees probabilities.
                if !progress(report) {
                    if batch < batchesPerEpoch || stepsDone < totalSteps {
                        stop = .interrupted(epoch: epoch, batch: batch)
                    }
                    break
                }
            }
            let complete = batch == batchesPerEpoch && samplesSeen == train.batch
            var entry = record(epoch, lossSum, samplesSeen, batch, epochStart, clock, complete: complete, options.loss)
            if complete { epochsTrained += 1 }
            if stop == .finished, options.testsEachEpoch, let test {
                entry.testLoss = try testLoss(on: test, loss: options.loss)
                entry.seconds = seconds(from: epochStart, clock)
            }
            records.append(entry)
            history.append(entry)
            if complete { epochEnded(entry) }
            if stop != .finished { break }
        }
        return TrainingReport(
            records: records, stop: stop, steps: stepsDone,
            message: stopMessage(stop, stepsDone: stepsDone, restored: havePrevious))
    }

    /// The loss on `set` in the model's convention (dropout off; a VAE samples, so this is its
    /// ELBO estimate as PyTorch's example reports it), including KL and sparsity terms. The
    /// forward follows the training plan, so bce after a sigmoid is computed from logits as in
    /// training.
    public func testLoss(on x: any SampleSet, loss: LossKind) throws -> Float {
        try checkConforming(x)
        let plan = trainingPlan(for: loss)
        var total: Double = 0
        for start in stride(from: 0, to: x.batch, by: 1000) {
            let chunk = try conformingInput(x.samples(start..<min(start + 1000, x.batch)))
            let output = try run(chunk, layers: 0..<layers.count, samplesLatent: isVariational, plan: plan)
            var value = try Loss.value(
                loss, output: output, target: chunk, reduction: lossReduction, outputIsLogits: plan.lossTakesLogits)
            value += auxiliaryLoss
            total += Double(value) * Double(chunk.batch)
        }
        return Float(total / Double(max(x.batch, 1)))
    }

    /// Mean per-pixel mse, l1 and bce and the PSNR of reconstructions of `set`.
    public func evaluate(on x: any SampleSet, stop: ShouldStop = neverStop) throws -> Evaluation {
        try checkConforming(x)
        guard x.batch > 0 else { throw ModelError("there are no samples to evaluate") }
        var sums = (mse: 0.0, l1: 0.0, bce: 0.0)
        for start in stride(from: 0, to: x.batch, by: 1000) {
            if stop() { throw Interrupted() }
            let chunk = try conformingInput(x.samples(start..<min(start + 1000, x.batch)))
            let output = try reconstruct(chunk)
            let weight = Double(chunk.batch)
            sums.mse += Double(try Loss.value(.mse, output: output, target: chunk, reduction: .meanPerElement)) * weight
            sums.l1 += Double(try Loss.value(.l1, output: output, target: chunk, reduction: .meanPerElement)) * weight
            sums.bce += Double(try Loss.value(.bce, output: output, target: chunk, reduction: .meanPerElement)) * weight
        }
        let n = Double(x.batch)
        let mse = sums.mse / n
        return Evaluation(
            mse: Float(mse), l1: Float(sums.l1 / n), bce: Float(sums.bce / n),
            psnr: mse > 0 ? Float(10 * log10(1 / mse)) : .infinity, count: x.batch)
    }

    // MARK: - Steps

    /// One forward and backward pass, each layer taking its part of `plan`; returns the batch
    /// loss (reconstruction plus auxiliary terms) with the gradients written into the parameters.
    func trainingStep(input: Tensor, target: Tensor, plan: TrainingPlan, context: ForwardContext) throws -> Float {
        // Each gradient is written afresh by its layer's backward (no separate zeroing pass).
        precondition(plan.layers.count == layers.count, "a training plan is made for one model")
        for parameter in parameters { parameter.overwritesGradient = true }
        var y = input
        for (layer, part) in zip(layers, plan.layers) { y = try layer.forward(y, context: context, following: part) }
        // The loss takes logits from a final sigmoid under bce; otherwise it multiplies in the last
        // activation's derivative while it has each row in cache. Either way the last layer's
        // part of the plan has it take dL/d(pre-activation).
        let (value, gradient) = try Loss.valueAndGradient(
            plan.loss, output: y, target: target, reduction: lossReduction, outputIsLogits: plan.lossTakesLogits,
            outputActivation: plan.lossAppliesDerivative)
        let total = value + auxiliaryLoss
        guard total.isFinite else {
            for parameter in parameters { parameter.settleGradient() }
            return total
        }
        var g = gradient
        for (layer, part) in zip(layers, plan.layers).reversed() { g = try layer.backward(g, following: part) }
        // A parameter that no backward reached has a zero gradient.
        for parameter in parameters { parameter.settleGradient() }
        return total
    }

    /// Sum of the auxiliary terms (KL, sparsity) of the last forward pass.
    var auxiliaryLoss: Float {
        layers.reduce(0) { $0 + (($1 as? AuxiliaryLossLayer)?.auxiliaryLoss ?? 0) }
    }

    /// A Fisher-Yates shuffle of 0..<count from the training generator.
    func shuffledOrder(count: Int) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            let j = Int(trainingRNG.next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }

    /// The inputs with the noise applied; `.none` draws nothing from the generator.
    func corrupt(_ x: Tensor, with noise: InputNoise) -> Tensor {
        if noise == .none { return x }
        var y = x
        let key = UInt32(truncatingIfNeeded: trainingRNG.next())
        y.data.withUnsafeMutableBufferPointer { p in
            switch noise {
            case .none: break
            case .gaussian(let sigma):
                CounterHash.addClippedGaussian(p.baseAddress!, p.count, key: key, sigma: Float(sigma))
            case .mask(let fraction): CounterHash.mask(p.baseAddress!, p.count, key: key, fraction: Float(fraction))
            }
        }
        return y
    }

    func restore(_ parameters: [Parameter], from previous: [[Float]]) {
        for (parameter, values) in zip(parameters, previous) { parameter.value.data = values }
    }

    private func record(
        _ epoch: Int, _ lossSum: Double, _ seen: Int, _ batches: Int, _ start: ContinuousClock.Instant,
        _ clock: ContinuousClock, complete: Bool, _ loss: LossKind
    ) -> EpochRecord {
        EpochRecord(
            epoch: epoch, trainLoss: seen > 0 ? Float(lossSum / Double(seen)) : .nan, testLoss: nil,
            seconds: seconds(from: start, clock), batches: batches, complete: complete, loss: loss)
    }

    private func seconds(from start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func stopMessage(_ stop: TrainingStop, stepsDone: Int, restored: Bool) -> String {
        switch stop {
        case .finished:
            return "trained \(stepsDone) steps; \(epochsTrained) epochs in all"
        case .interrupted(let epoch, let batch):
            return "stopped during epoch \(epoch) after batch \(batch); the model keeps what it learned"
        case .diverged(let epoch, let batch, let step):
            return "the loss became NaN or infinite at step \(step) (epoch \(epoch), batch \(batch)); "
                + (restored
                    ? "the weights from the step before are back in place"
                    : "no update was applied, so the weights are as they were")
                + ". A smaller learning rate usually helps"
        }
    }
}

extension [Parameter] {
    /// Whether every gradient is finite, checked in one job on the compute team.
    var gradientsAreFinite: Bool {
        let infinite = Atomic<Bool>(false)
        withGradientPointers { grads in
            ComputeTeam.engine.forEachChunk(sizes: grads.map(\.count), chunk: 1 << 15) { item, band in
                if ck_all_finite(grads[item].baseAddress! + band.lowerBound, Int64(band.count)) == 0 {
                    infinite.store(true, ordering: .relaxed)
                }
            }
        }
        return !infinite.load(ordering: .relaxed)
    }
}
