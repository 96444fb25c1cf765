import Autodiff

extension GradientCases {
    static var convolution: [GradientCase] {
        var rng = RandomGenerator(seed: 23)
        func normal(_ shape: [Int]) -> Tensor<Double> { Tensor<Double>(randomNormal: shape, generator: &rng) }
        var cases: [GradientCase] = []

        // conv2d: each case differentiates input, weight and (when present) bias.
        cases.append(GradientCase(op: "conv2d 3x3 padding 1 with bias", inputs: [normal([2, 3, 5, 4]), normal([4, 3, 3, 3]), normal([4])], float32: {
            $0[0].conv2d(weight: $0[1], bias: $0[2], padding: 1)
        }) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], padding: 1)
        })
        cases.append(GradientCase(op: "conv2d stride 2 padding 1, prime sizes", inputs: [normal([1, 2, 7, 5]), normal([3, 2, 3, 3]), normal([3])], float32: {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        }) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        })
        cases.append(GradientCase(op: "conv2d dilation 2, no bias", inputs: [normal([2, 2, 7, 6]), normal([3, 2, 3, 2])], float32: {
            $0[0].conv2d(weight: $0[1], padding: 1, dilation: 2)
        }) {
            $0[0].conv2d(weight: $0[1], padding: 1, dilation: 2)
        })
        cases.append(GradientCase(op: "conv2d groups 2", inputs: [normal([2, 4, 5, 5]), normal([6, 2, 3, 3]), normal([6])], float32: {
            $0[0].conv2d(weight: $0[1], bias: $0[2], padding: 1, groups: 2)
        }) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], padding: 1, groups: 2)
        })
        cases.append(GradientCase(op: "conv2d 1x1", inputs: [normal([3, 3, 4, 3]), normal([5, 3, 1, 1]), normal([5])], float32: {
            $0[0].conv2d(weight: $0[1], bias: $0[2])
        }) {
            $0[0].conv2d(weight: $0[1], bias: $0[2])
        })
        cases.append(GradientCase(op: "conv2d 1x1 stride 2 (downsample)", inputs: [normal([2, 3, 5, 5]), normal([2, 3, 1, 1])], float32: {
            $0[0].conv2d(weight: $0[1], stride: 2)
        }) {
            $0[0].conv2d(weight: $0[1], stride: 2)
        })
        cases.append(GradientCase(op: "conv2d size-1 dims", inputs: [normal([1, 1, 1, 1]), normal([1, 1, 1, 1]), normal([1])], float32: {
            $0[0].conv2d(weight: $0[1], bias: $0[2])
        }) {
            $0[0].conv2d(weight: $0[1], bias: $0[2])
        })
        cases.append(GradientCase(op: "conv2d 3x3 on 1x1 input with padding", inputs: [normal([3, 2, 1, 1]), normal([2, 2, 3, 3])], float32: {
            $0[0].conv2d(weight: $0[1], padding: 1)
        }) {
            $0[0].conv2d(weight: $0[1], padding: 1)
        })
        // Small maps batch several images into one gemm: exercise that path with 7 images of 2x2 outputs.
        cases.append(GradientCase(op: "conv2d batched gemm, stride 3 padding 2", inputs: [normal([7, 2, 4, 4]), normal([3, 2, 3, 3]), normal([3])], float32: {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 3, padding: 2)
        }) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 3, padding: 2)
        })

        // Pooling. Random normal inputs have no ties, so max pooling has no kinks to skip.
        cases.append(GradientCase(op: "maxPool2d 2x2", inputs: [normal([2, 3, 4, 6])], float32: { $0[0].maxPool2d(kernelSize: 2) }) { $0[0].maxPool2d(kernelSize: 2) })
        cases.append(GradientCase(op: "maxPool2d 3x3 stride 2 padding 1 (overlapping)", inputs: [normal([2, 2, 7, 5])], float32: {
            $0[0].maxPool2d(kernelSize: 3, stride: 2, padding: 1)
        }) {
            $0[0].maxPool2d(kernelSize: 3, stride: 2, padding: 1)
        })
        cases.append(GradientCase(op: "maxPool2d size-1 dims", inputs: [normal([1, 1, 1, 1])], float32: { $0[0].maxPool2d(kernelSize: 1) }) { $0[0].maxPool2d(kernelSize: 1) })
        cases.append(GradientCase(op: "avgPool2d 2x2", inputs: [normal([2, 3, 4, 6])], float32: { $0[0].avgPool2d(kernelSize: 2) }) { $0[0].avgPool2d(kernelSize: 2) })
        cases.append(GradientCase(op: "avgPool2d 3x3 stride 2 padding 1 (overlapping)", inputs: [normal([1, 2, 7, 5])], float32: {
            $0[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1)
        }) {
            $0[0].avgPool2d(kernelSize: 3, stride: 2, padding: 1)
        })
        cases.append(GradientCase(op: "globalAveragePool2d", inputs: [normal([2, 3, 5, 3])], float32: { $0[0].globalAveragePool2d() }) { $0[0].globalAveragePool2d() })
        cases.append(GradientCase(op: "globalAveragePool2d 1x1 plane", inputs: [normal([3, 2, 1, 1])], float32: { $0[0].globalAveragePool2d() }) { $0[0].globalAveragePool2d() })

        // Batch norm: input, weight and bias all differentiated.
        cases.append(GradientCase(op: "batchNorm training 4-D", inputs: [normal([3, 2, 3, 2]), normal([2]), normal([2])], float32: {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVariance: nil, training: true)
        }) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVariance: nil, training: true)
        })
        cases.append(GradientCase(op: "batchNorm training 2-D, prime sizes", inputs: [normal([5, 3]), normal([3]), normal([3])], float32: {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVariance: nil, training: true)
        }) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: nil, runningVariance: nil, training: true)
        })
        cases.append(GradientCase(op: "batchNorm training without affine", inputs: [normal([2, 3, 2, 2])], float32: {
            $0[0].batchNorm(weight: nil, bias: nil, runningMean: nil, runningVariance: nil, training: true)
        }) {
            $0[0].batchNorm(weight: nil, bias: nil, runningMean: nil, runningVariance: nil, training: true)
        })
        // Running statistics are updated on every evaluation of the function; they do not affect
        // the training output, so the check is unaffected.
        let trackedMean = Tensor<Double>(zeros: [2]), trackedVariance = Tensor<Double>(ones: [2])
        let trackedMean32 = Tensor<Float>(zeros: [2]), trackedVariance32 = Tensor<Float>(ones: [2])
        cases.append(GradientCase(op: "batchNorm training with running statistics", inputs: [normal([4, 2, 2, 1]), normal([2]), normal([2])], float32: {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: trackedMean32, runningVariance: trackedVariance32, training: true)
        }) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: trackedMean, runningVariance: trackedVariance, training: true)
        })
        let runningMean = Tensor<Double>(shape: [3], scalars: [0.2, -0.5, 1.0])
        let runningVariance = Tensor<Double>(shape: [3], scalars: [0.5, 2.0, 1.5])
        let runningMean32 = runningMean.converted(to: Float.self), runningVariance32 = runningVariance.converted(to: Float.self)
        cases.append(GradientCase(op: "batchNorm eval 4-D", inputs: [normal([2, 3, 2, 3]), normal([3]), normal([3])], float32: {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: runningMean32, runningVariance: runningVariance32, training: false)
        }) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: runningMean, runningVariance: runningVariance, training: false)
        })
        cases.append(GradientCase(op: "batchNorm eval 2-D", inputs: [normal([4, 3]), normal([3]), normal([3])], float32: {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: runningMean32, runningVariance: runningVariance32, training: false)
        }) {
            $0[0].batchNorm(weight: $0[1], bias: $0[2], runningMean: runningMean, runningVariance: runningVariance, training: false)
        })
        return cases
    }
}
