import Autodiff
import Foundation
import Layers

// What fusion saves, op by op, on ResNet18's largest activation at batch 64 (64x56x56 after the
// stem): batch norm + ReLU and batch norm + residual + ReLU, fused (`batchNormReLU`) against the
// separate ops, forward + backward in training; and in evaluation a 3x3 convolution + batch norm
// against the same convolution with the batch norm folded in (`ResNet.foldedForInference`). The
// variants run interleaved; the figures are medians in ms of wall time and of this process's CPU
// time (with OMP_NUM_THREADS=1 the CPU time is the one least disturbed by other processes).

func fusionBenchmarks() -> [String: Double] {
    var rng = RandomGenerator(seed: 5)
    let shape = [64, 64, 56, 56]
    let x = Tensor<Float>(randomNormal: shape, generator: &rng), residual = Tensor<Float>(randomNormal: shape, generator: &rng)
    let seed = Tensor<Float>(randomNormal: shape, generator: &rng)
    let gamma = Tensor<Float>(ones: [64], requiresGrad: true), beta = Tensor<Float>(zeros: [64], requiresGrad: true)
    for t in [x, residual] { t.requiresGrad = true }
    func reset() { for t in [x, residual, gamma, beta] { t.grad = nil } }
    func bn(_ input: Tensor<Float>) -> Tensor<Float> {
        input.batchNorm(weight: gamma, bias: beta, runningMean: nil, runningVariance: nil, training: true)
    }
    var figures: [String: Double] = [:]
    var rows: [BenchmarkRow] = []
    func report(_ names: [String], _ timings: [Timing]) {
        for (name, t) in zip(names, timings) {
            figures["\(name) ms"] = Timing.median(t.all) * 1e3
            figures["\(name) cpu ms"] = Timing.median(t.cpu) * 1e3
            rows.append(BenchmarkRow(name: name, value: Timing.median(t.all) * 1e3, unit: "ms", detail: t.note))
        }
    }
    report(["bn+relu fwd+bwd, separate", "bn+relu fwd+bwd, fused"], measureInterleaved(warmup: 1, runs: 7, [
        { reset(); bn(x).relu().backward(seed: seed) },
        { reset(); x.batchNormReLU(weight: gamma, bias: beta, runningMean: nil, runningVariance: nil, training: true).backward(seed: seed) },
    ]))
    report(["bn+add+relu fwd+bwd, separate", "bn+add+relu fwd+bwd, fused"], measureInterleaved(warmup: 1, runs: 7, [
        { reset(); (bn(x) + residual).relu().backward(seed: seed) },
        { reset(); x.batchNormReLU(weight: gamma, bias: beta, runningMean: nil, runningVariance: nil, training: true, adding: residual).backward(seed: seed) },
    ]))

    // Evaluation: one SmallResNet-style conv 3x3 64->64 + BN + ReLU, as the ResNet runs it and folded.
    let model = ResNet<Float>(stem: .small, widths: [64], blocksPerStage: [1], inputChannels: 64, classCount: nil, generator: &rng)
    model.isTraining = false
    let folded = model.foldedForInference()
    let images = Tensor<Float>(randomNormal: [64, 64, 56, 56], generator: &rng)
    report(["stem conv3x3+bn+relu and a basic block, eval", "the same, batch norm folded"], measureInterleaved(warmup: 1, runs: 5, [
        { _ = Graph.withoutRecording { model.features(images) } },
        { _ = folded.features(images) },
    ]))
    printTable(rows)
    return figures
}
