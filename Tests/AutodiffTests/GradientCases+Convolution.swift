import Autodiff

extension GradientCases {
    static var convolution: [GradientCase] { GradientCase.pair(convolution(Double.self), convolution(Float.self)) }

    static func convolution<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var rng = RandomGenerator(seed: 23)
        func normal(_ shape: [Int]) -> Tensor<Double> { Tensor<Double>(randomNormal: shape, generator: &rng) }
        var cases: [Case<S>] = []

        // conv2d: each case differentiates input, weight and (when present) bias.
        cases.append(Case("conv2d 3x3 padding 1 with bias", covers: [.conv2d], inputs: [normal([2, 3, 5, 4]), normal([4, 3, 3, 3]), normal([4])]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], padding: 1)
        })
        cases.append(Case("conv2d stride 2 padding 1, prime sizes", covers: [.conv2d], inputs: [normal([1, 2, 7, 5]), normal([3, 2, 3, 3]), normal([3])]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        })
        cases.append(Case("conv2d dilation 2, no bias", covers: [.conv2d], inputs: [normal([2, 2, 7, 6]), normal([3, 2, 3, 2])]) {
            $0[0].conv2d(weight: $0[1], padding: 1, dilation: 2)
        })
        cases.append(Case("conv2d groups 2", covers: [.conv2d], inputs: [normal([2, 4, 5, 5]), normal([6, 2, 3, 3]), normal([6])]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], padding: 1, groups: 2)
        })
        cases.append(Case("conv2d 1x1", covers: [.conv2d], inputs: [normal([3, 3, 4, 3]), normal([5, 3, 1, 1]), normal([5])]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2])
        })
        cases.append(Case("conv2d 1x1 stride 2 (downsample)", covers: [.conv2d], inputs: [normal([2, 3, 5, 5]), normal([2, 3, 1, 1])]) {
            $0[0].conv2d(weight: $0[1], stride: 2)
        })
        cases.append(Case("conv2d size-1 dims", covers: [.conv2d], inputs: [normal([1, 1, 1, 1]), normal([1, 1, 1, 1]), normal([1])]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2])
        })
        cases.append(Case("conv2d 3x3 on 1x1 input with padding", covers: [.conv2d], inputs: [normal([3, 2, 1, 1]), normal([2, 2, 3, 3])]) {
            $0[0].conv2d(weight: $0[1], padding: 1)
        })
        // Small maps batch several images into one gemm: exercise that path with 7 images of 2x2 outputs.
        cases.append(Case("conv2d batched gemm, stride 3 padding 2", covers: [.conv2d], inputs: [normal([7, 2, 4, 4]), normal([3, 2, 3, 3]), normal([3])]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 3, padding: 2)
        })

        // Pooling. Random normal inputs have no ties, so max pooling has no kinks to skip.
        cases.append(Case("maxPool2d 2x2", covers: [.maxPool2d], inputs: [normal([2, 3, 4, 6])]) { $0[0].maxPool2d(kernelSize: 2) })
        cases.append(Case("maxPool2d 3x3 stride 2 padding 1 (overlapping)", covers: [.maxPool2d], inputs: [normal([2, 2, 7, 5])]) {
            $0[0].maxPool2d(kernelSize: 3, stride: 2, padding: 1)
        })
        cases.append(Case("maxPool2d size-1 dims", covers: [.maxPool2d], inputs: [normal([1, 1, 1, 1])]) { $0[0].maxPool2d(kernelSize: 1) })
        cases.append(Case("avgPool2d 2x2", covers: [.avgPool2d], inputs: [normal([2, 3, 4, 6])]) { $0[0].avgPool2d(kernelSize: 2) })
        cases.append(Case("avgPool2d 3x3 stride 2 padding 1 (overlapping)", covers: [.avgPool2d], inputs: [normal([1, 2, 7, 5])]) {
            $0[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1)
        })
        cases.append(Case("globalAveragePool2d", covers: [.reshape, .sum, .div], inputs: [normal([2, 3, 5, 3])]) { $0[0].globalAveragePool2d() })
        cases.append(Case("globalAveragePool2d 1x1 plane", covers: [.reshape, .sum, .div], inputs: [normal([3, 2, 1, 1])]) { $0[0].globalAveragePool2d() })

        // Batch norm: input, weight and bias all differentiated.
        cases.append(Case("batchNorm training 4-D", covers: [.batchNorm], inputs: [normal([3, 2, 3, 2]), normal([2]), normal([2])]) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVariance: nil, training: true)
        })
        cases.append(Case("batchNorm training 2-D, prime sizes", covers: [.batchNorm], inputs: [normal([5, 3]), normal([3]), normal([3])]) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVariance: nil, training: true)
        })
        cases.append(Case("batchNorm training without affine", covers: [.batchNorm], inputs: [normal([2, 3, 2, 2])]) {
            $0[0].batchNorm(weight: nil, bias: nil, runningMean: nil, runningVariance: nil, training: true)
        })
        // Running statistics are updated on every evaluation of the function; they do not affect
        // the training output, so the check is unaffected.
        let trackedMean = Tensor<S>(zeros: [2]), trackedVariance = Tensor<S>(ones: [2])
        cases.append(Case("batchNorm training with running statistics", covers: [.batchNorm], inputs: [normal([4, 2, 2, 1]), normal([2]), normal([2])]) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: trackedMean, runningVariance: trackedVariance, training: true)
        })
        let runningMean = Tensor<Double>(shape: [3], scalars: [0.2, -0.5, 1.0])
        let runningVariance = Tensor<Double>(shape: [3], scalars: [0.5, 2.0, 1.5])
        let runningMeanS = runningMean.converted(to: S.self), runningVarianceS = runningVariance.converted(to: S.self)
        cases.append(Case("batchNorm eval 4-D", covers: [.batchNorm], inputs: [normal([2, 3, 2, 3]), normal([3]), normal([3])]) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: runningMeanS, runningVariance: runningVarianceS, training: false)
        })
        cases.append(Case("batchNorm eval 2-D", covers: [.batchNorm], inputs: [normal([4, 3]), normal([3]), normal([3])]) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: runningMeanS, runningVariance: runningVarianceS, training: false)
        })

        // Batch norm + (residual) + ReLU fused: every input differentiated, through the batch
        // statistics in training; about half the outputs are clamped.
        cases.append(Case("batchNormReLU training 4-D", covers: [.batchNormReLU], inputs: [normal([3, 2, 3, 2]), normal([2]), normal([2])],
                          allowKinks: true) {
            $0[0].batchNormReLU(weight: $0[1], bias: $0[2], runningMean: nil, runningVariance: nil, training: true)
        })
        cases.append(Case("batchNormReLU training with residual, prime sizes", covers: [.batchNormReLU],
                          inputs: [normal([3, 3, 5, 1]), normal([3]), normal([3]), normal([3, 3, 5, 1])], allowKinks: true) {
            $0[0].batchNormReLU(weight: $0[1], bias: $0[2], runningMean: nil, runningVariance: nil, training: true, adding: $0[3])
        })
        cases.append(Case("batchNormReLU training without affine, 2-D", covers: [.batchNormReLU], inputs: [normal([5, 3])], allowKinks: true) {
            $0[0].batchNormReLU(weight: nil, bias: nil, runningMean: nil, runningVariance: nil, training: true)
        })
        cases.append(Case("batchNormReLU eval with residual", covers: [.batchNormReLU],
                          inputs: [normal([2, 3, 2, 3]), normal([3]), normal([3]), normal([2, 3, 2, 3])], allowKinks: true) {
            $0[0].batchNormReLU(weight: $0[1], bias: $0[2], runningMean: runningMeanS, runningVariance: runningVarianceS, training: false,
                                adding: $0[3])
        })
        return cases
    }
}
