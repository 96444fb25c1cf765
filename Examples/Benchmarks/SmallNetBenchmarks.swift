import Autodiff
import Foundation
import Layers

// The small ResNet the examples use for quick runs (3x3 stem, one basic block per stage,
// widths 16-32-64-128), 10 classes, batch 64, 3x28x28, cross-entropy, SGD with momentum 0.9 and
// weight decay 1e-4: the workload of Scripts/bench/torch_workloads.py's `small`, so the figures
// compare directly. Steps: SMALLNET_BENCH_STEPS (default 30), after 5 warm-up steps.

func smallNetBenchmarks() -> [String: Double] {
    let batch = 64, size = 28, classes = 10
    let steps = ProcessInfo.processInfo.environment["SMALLNET_BENCH_STEPS"].flatMap(Int.init) ?? 30
    var generator = RandomGenerator(seed: 42)
    let model = SmallResNet<Float>(classCount: classes, generator: &generator)
    let images = Tensor<Float>(randomNormal: [batch, 3, size, size], generator: &generator)
    let labels = (0..<batch).map { $0 % classes }
    let optimizer = try! SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
    model.isTraining = true
    func step() {
        crossEntropy(model(images), labels).backward()
        optimizer.step()
        optimizer.zeroGrad()
    }
    for _ in 0..<4 { step() }  // `timed` adds one more warm-up
    let train = timed(iterations: steps, step)
    model.isTraining = false
    let folded = model.foldedForInference()  // batch norms folded into the convolutions, as Inference's Predictor
    let inference = timed(iterations: steps) { _ = folded(images) }
    print(String(format: "  small ResNet 28 px, b%d: train %.1f ms/step = %.0f images/s; inference %.1f ms/batch = %.0f images/s",
                 batch, train.median * 1e3, Double(batch) / train.median, inference.median * 1e3, Double(batch) / inference.median))
    return [
        "train_step_seconds": train.median,
        "train_images_per_second": Double(batch) / train.median,
        "inference_seconds": inference.median,
        "inference_images_per_second": Double(batch) / inference.median,
        "peak_rss_mb": peakRSSMegabytes(),
    ]
}
