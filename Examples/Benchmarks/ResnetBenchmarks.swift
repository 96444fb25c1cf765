import Autodiff
import CKernels
import Foundation
import Layers

// ResNet18 as the paper trains it: 7 classes, batch 64, 3x112x112, cross-entropy, SGD with
// momentum 0.9 — the same workload as Scripts/bench/torch_workloads.py's `resnet18`, so the
// figures compare directly (Scripts/bench/compare_with_torch.py runs both interleaved). Iterations: RESNET_BENCH_ITERATIONS (default 3), after one warm-up each.

func resnetBenchmarks() -> [String: Double] {
    let batch = 64, size = 112, classes = 7
    let iterations = ProcessInfo.processInfo.environment["RESNET_BENCH_ITERATIONS"].flatMap(Int.init) ?? 3
    var generator = RandomGenerator(seed: 42)
    let model = ResNet18<Float>(classCount: classes, generator: &generator)
    let images = Tensor<Float>(randomNormal: [batch, 3, size, size], generator: &generator)
    let labels = (0..<batch).map { $0 % classes }
    // As Scripts/bench/torch_workloads.py: torch.optim.SGD(lr=0.01, momentum=0.9).
    let optimizer = try! SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
    print("ResNet18: \(model.parameterCount) parameters, batch \(batch), 3x\(size)x\(size), \(iterations) timed iterations after one warm-up")

    var lastLoss: Float = .nan
    var phases: (forward: [Double], backward: [Double], update: [Double]) = ([], [], [])
    func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    model.isTraining = true
    ck_onednn_stats_reset()
    let train = timed(iterations: iterations) {
        let t0 = now()
        let loss = crossEntropy(model(images), labels)
        lastLoss = loss.scalar
        let t1 = now()
        loss.backward()
        let t2 = now()
        optimizer.step()
        optimizer.zeroGrad()
        let t3 = now()
        phases.forward.append(t1 - t0); phases.backward.append(t2 - t1); phases.update.append(t3 - t2)
    }
    // The first entry is the warm-up's.
    let forwardTime = median(Array(phases.forward.dropFirst()))
    let backwardTime = median(Array(phases.backward.dropFirst()))
    let updateTime = median(Array(phases.update.dropFirst()))
    let trainRSS = peakRSSMegabytes()
    let storage = StorageCache.statistics
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print(String(format: "  train step (fwd+bwd+SGD momentum): %.3f s/step median = %.1f images/s  (steps: %@; last loss %.4f)",
                 train.median, Double(batch) / train.median, train.all.map { String(format: "%.2f", $0) }.joined(separator: ", "), lastLoss))
    print(String(format: "    forward+loss %.3f s, backward %.3f s, SGD step %.3f s (medians)", forwardTime, backwardTime, updateTime))
    print(String(format: "    CPU %.2f s/step: %.2f of %d cores used; with all %d cores busy: %.1f images/s",
                 train.cpu, train.cpu / train.median, cores, cores, Double(batch) * Double(cores) / train.cpu))

    let trainOneDNN = oneDNNShare(steps: iterations + 1, stepSeconds: train.median)

    // Inference as Inference's Predictor runs it: batch norms folded into the convolutions, once.
    model.isTraining = false
    let folded = model.foldedForInference()
    ck_onednn_stats_reset()
    let inference = timed(iterations: iterations) {
        _ = folded(images)
    }
    let inferenceOneDNN = oneDNNShare(steps: iterations + 1, stepSeconds: inference.median)
    print(String(format: "  inference (eval, BN folded, no graph): %.3f s/batch median = %.1f images/s",
                 inference.median, Double(batch) / inference.median))
    print(String(format: "    CPU %.2f s/batch: %.2f of %d cores used; with all %d cores busy: %.1f images/s",
                 inference.cpu, inference.cpu / inference.median, cores, cores, Double(batch) * Double(cores) / inference.cpu))
    let peak = peakRSSMegabytes()
    print(String(format: "  peak RSS: %.0f MB (after training steps: %.0f MB)", peak, trainRSS))
    print(String(format: "  tensor storage during training: peak live %.0f MB, cached %.0f MB; %d buffers reused, %d fresh",
                 Double(storage.peakLiveBytes) / 1e6, Double(storage.cachedBytes) / 1e6, storage.reused, storage.fresh))

    return [
        "parameters": Double(model.parameterCount),
        "batch": Double(batch),
        "train_step_seconds": train.median,
        "train_images_per_second": Double(batch) / train.median,
        "train_cpu_seconds_per_step": train.cpu,
        "train_forward_seconds": forwardTime,
        "train_backward_seconds": backwardTime,
        "train_optimizer_seconds": updateTime,
        "inference_seconds": inference.median,
        "inference_cpu_seconds": inference.cpu,
        "inference_images_per_second": Double(batch) / inference.median,
        "peak_rss_mb": peak,
        "train_peak_tensor_mb": Double(storage.peakLiveBytes) / 1e6,
        "train_onednn_reorder_seconds": trainOneDNN.reorder,
        "train_onednn_primitive_seconds": trainOneDNN.primitive,
        "inference_onednn_reorder_seconds": inferenceOneDNN.reorder,
        "inference_onednn_primitive_seconds": inferenceOneDNN.primitive,
    ]
}

/// Per step (or batch), the seconds oneDNN convolutions spent in their layout reorders and in the
/// primitives, averaged over the `steps` run since the statistics were reset (warm-up included,
/// so the first call's JIT counts in); printed when oneDNN ran at all.
private func oneDNNShare(steps: Int, stepSeconds: Double) -> (reorder: Double, primitive: Double) {
    let stats = ck_onednn_stats()
    let reorder = Double(stats.reorder_ns) / 1e9 / Double(steps), primitive = Double(stats.primitive_ns) / 1e9 / Double(steps)
    if stats.calls > 0 {
        print(String(format: "    oneDNN: %.3f s in primitives + %.3f s in layout reorders per step (reorders: %.0f %% of oneDNN's time, %.0f %% of the median step); %llu calls, %llu refused",
                     primitive, reorder, 100 * reorder / (reorder + primitive), 100 * reorder / stepSeconds, stats.calls, stats.refused))
    }
    return (reorder, primitive)
}
