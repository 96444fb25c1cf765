import Autodiff

/// Batch normalisation over the channels of [N, C, H, W], exactly as PyTorch's nn.BatchNorm2d:
/// in training, normalise with the batch's mean and biased variance and update the running
/// statistics (new = (1 - momentum) old + momentum batch, with the unbiased batch variance);
/// in evaluation, normalise with the running statistics.
///
/// State-dict entries: parameters `weight`, `bias`; buffers `running_mean`, `running_var`,
/// `num_batches_tracked`. PyTorch keeps `num_batches_tracked` as an int64 scalar; here it is a
/// rank-0 tensor of `Scalar` (exact up to 2^24 batches in Float), saved in the model's dtype;
/// loading reads PyTorch's I64 value. It only counts batches (momentum is fixed, as PyTorch's
/// default), so its precision never affects results.
public final class BatchNorm2d<Scalar: TensorScalar>: Layer {
    public var weight: Tensor<Scalar>
    public var bias: Tensor<Scalar>
    public let runningMean: Tensor<Scalar>
    public let runningVariance: Tensor<Scalar>
    public let batchesTracked: Tensor<Scalar>
    public let momentum: Double
    public let epsilon: Double
    public var isTraining = true
    /// Set by data-parallel training to normalise with the global batch's statistics
    /// (synchronised batch norm); nil: this process's batch alone.
    public var statisticsReducer: (any BatchStatisticsReducer)?

    public var channels: Int { weight.count }

    public init(channels: Int, momentum: Double = 0.1, epsilon: Double = 1e-5) {
        precondition(channels > 0, "BatchNorm2d: channels must be positive, got \(channels)")
        weight = Tensor(ones: [channels], requiresGrad: true)
        bias = Tensor(zeros: [channels], requiresGrad: true)
        runningMean = Tensor(zeros: [channels])
        runningVariance = Tensor(ones: [channels])
        batchesTracked = Tensor(zeros: [])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    // Written out: reflection would take the running statistics for parameters, and PyTorch's
    // buffer names are not the properties' names.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] { [("weight", weight), ("bias", bias)] }
    public var namedBuffers: [(name: String, tensor: Tensor<Scalar>)] {
        [("running_mean", runningMean), ("running_var", runningVariance), ("num_batches_tracked", batchesTracked)]
    }

    public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
        checkAndCount(input)
        return input.batchNorm(weight: weight, bias: bias, runningMean: runningMean, runningVariance: runningVariance,
                               training: isTraining, momentum: momentum, epsilon: epsilon, reducer: statisticsReducer)
    }

    /// relu(self(input) + residual) as one fused op (`Tensor.batchNormReLU`): the same values
    /// and running-statistics update as the three layers in a row, fewer passes over memory.
    public func withReLU(_ input: Tensor<Scalar>, adding residual: Tensor<Scalar>? = nil) -> Tensor<Scalar> {
        checkAndCount(input)
        return input.batchNormReLU(weight: weight, bias: bias, runningMean: runningMean, runningVariance: runningVariance,
                                   training: isTraining, momentum: momentum, epsilon: epsilon, adding: residual,
                                   reducer: statisticsReducer)
    }

    private func checkAndCount(_ input: Tensor<Scalar>) {
        guard input.rank == 4, input.shape[1] == channels else {
            fatalError("BatchNorm2d(\(channels)): expected input [N, \(channels), H, W], got \(shapeString(input.shape))")
        }
        if isTraining { batchesTracked.data[0] += 1 }
    }
}

extension Module {
    /// Every BatchNorm2d in this module and its children, depth first.
    public var batchNormLayers: [BatchNorm2d<Scalar>] {
        if let layer = self as? BatchNorm2d<Scalar> { return [layer] }
        return namedChildren.flatMap { $0.module.batchNormLayers }
    }
}
