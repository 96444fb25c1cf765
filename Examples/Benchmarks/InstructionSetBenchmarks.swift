import Autodiff
import Foundation

// One figure per kernel family with instruction-set variants, on sizes that stay in cache so
// the vector width shows (the memory-bound 16M-float `add` of the kernels group barely moves).
// Run it once per set to compare them:
//   for isa in generic avx2 avx512; do LRN_MAX_ISA=$isa swift run -c release Benchmarks isa; done
// Each figure is the best of `runs` timed calls (the machine is shared: the minimum is the run
// least disturbed by other processes), in milliseconds.

func instructionSetBenchmarks() -> [String: Double] {
    var rng = RandomGenerator(seed: 7)
    let isa = Kernels.instructionSet.rawValue
    print("  best of 15 runs per kernel family, in ms, on \(isa)")
    var rows: [BenchmarkRow] = []
    var figures: [String: Double] = [:]
    func time(_ name: String, _ body: () -> Void) {
        let t = measure(warmup: 3, runs: 15, body)
        let best = t.all.min() ?? .nan
        figures["\(name) ms"] = best * 1e3
        rows.append(BenchmarkRow(name: name, value: best * 1e3, unit: "ms", detail: String(format: "median %.3f ms; %@", Timing.median(t.all) * 1e3, t.note)))
    }
    func normal(_ shape: [Int], grad: Bool = false) -> Tensor<Float> {
        let t = Tensor<Float>(randomNormal: shape, generator: &rng)
        t.requiresGrad = grad
        return t
    }

    // Elementwise on 1M floats (4 MB per operand), forward and backward.
    let n = 1 << 20
    let x = normal([n], grad: true), y = normal([n]), seed = normal([n])
    let row = normal([1, 1024]), matrix = normal([1024, 1024])
    let condition = Graph.withoutRecording { x.greaterEqual(y) }
    Graph.withoutRecording {
        time("add 1M") { _ = x + y }
        time("maximum 1M") { _ = x.maximum(y) }
        time("add broadcast [1024,1024]+[1,1024]") { _ = matrix + row }
        time("relu 1M") { _ = x.relu() }
        time("sigmoid 1M") { _ = x.sigmoid() }
        time("where 1M") { _ = Tensor.where(condition, x, y) }
        time("clamp 1M") { _ = x.clamp(min: -1, max: 1) }
    }
    time("relu fwd+bwd 1M") { x.grad = nil; x.relu().backward(seed: seed) }
    time("tanh fwd+bwd 1M") { x.grad = nil; x.tanh().backward(seed: seed) }

    // Reductions along one axis of [256, 1000] (the logits of a large batch).
    let logits = normal([256, 1000], grad: true), logitSeed = normal([256, 1000])
    Graph.withoutRecording {
        time("sum axis 1 [256,1000]") { _ = logits.sum(axis: 1) }
        time("sum axis 0 [256,1000]") { _ = logits.sum(axis: 0) }
        time("max axis 1 [256,1000]") { _ = logits.max(axis: 1) }
        time("logsumexp axis 1 [256,1000]") { _ = logits.logsumexp(axis: 1) }
    }
    time("softmax fwd+bwd [256,1000]") { logits.grad = nil; logits.softmax(axis: 1).backward(seed: logitSeed) }

    // Batch norm, pooling and convolution (im2col/col2im around gemm) on ResNet-like maps.
    let maps = normal([32, 64, 28, 28], grad: true), mapSeed = normal([32, 64, 28, 28])
    let gamma = Tensor<Float>(ones: [64], requiresGrad: true), beta = Tensor<Float>(zeros: [64], requiresGrad: true)
    time("batchNorm train fwd+bwd [32,64,28,28]") {
        maps.grad = nil
        maps.batchNorm(weight: gamma, bias: beta, runningMean: nil, runningVariance: nil, training: true).backward(seed: mapSeed)
    }
    let poolSeed = normal([32, 64, 14, 14])
    time("maxPool2d 3 s2 p1 fwd+bwd [32,64,28,28]") { maps.grad = nil; maps.maxPool2d(kernelSize: 3, stride: 2, padding: 1).backward(seed: poolSeed) }
    time("avgPool2d 3 s2 p1 fwd+bwd [32,64,28,28]") { maps.grad = nil; maps.avgPool2d(kernelSize: 3, stride: 2, padding: 1).backward(seed: poolSeed) }
    let weight = Tensor<Float>(randomNormal: [64, 64, 3, 3], std: 0.05, generator: &rng)
    weight.requiresGrad = true
    time("conv2d 3x3 fwd+bwd [32,64,28,28]") {
        maps.grad = nil; weight.grad = nil
        maps.conv2d(weight: weight, padding: 1).backward(seed: mapSeed)
    }

    // Optimiser updates on 1M parameters.
    let parameter = normal([1 << 20], grad: true)
    parameter.grad = normal([1 << 20])
    let sgd = try! SGD(parameters: [parameter], learningRate: 1e-3, momentum: 0.9, weightDecay: 1e-4)
    let adam = try! Adam(parameters: [parameter], learningRate: 1e-6)
    time("SGD momentum step 1M") { sgd.step() }
    time("Adam step 1M") { adam.step() }
    time("gradient norm 1M") { _ = gradientNorm([parameter]) }

    printTable(rows)
    return figures
}
