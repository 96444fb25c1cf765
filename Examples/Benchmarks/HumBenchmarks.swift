import Autodiff
import LRN

// The HUM head at the paper's sizes: M = 64 features of D = 512, C = 7 classes, full 7 x 7
// factor, S = 1000 draws, T = 0.7. Forward + backward includes drawing the 448,000 normals and
// the gradient into the features (as Scripts/bench/torch_workloads.py hum does).
// Also CLD's forward + backward at the same sizes (no PyTorch figure).

/// Median wall time of `body` in milliseconds over `runs` runs after `warmUp` runs.
private func medianMilliseconds(warmUp: Int = 3, runs: Int = 15, _ body: () -> Void) -> Double {
    for _ in 0..<warmUp { body() }
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<runs {
        let elapsed = clock.measure(body)
        times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
    }
    return times.sorted()[runs / 2]
}

func humBenchmarks() -> [String: Double] {
    let m = 64, d = 512, c = 7, s = 1000
    var rng = RandomGenerator(seed: 17)
    let head = HeteroscedasticHead<Float>(featureCount: d, classCount: c, generator: &rng)
    let features = Tensor<Float>(randomNormal: [m, d], generator: &rng)
    let labels = (0..<m).map { _ in rng.int(below: c) }
    var results: [String: Double] = [:]

    results["draws_ms"] = medianMilliseconds {
        _ = head.draws(batchSize: m, generator: &rng)
    }
    results["forward_no_tape_ms"] = medianMilliseconds {
        Graph.withoutRecording { _ = head.loss(features, labels: labels, generator: &rng).scalar }
    }
    results["forward_backward_ms"] = medianMilliseconds {
        head.zeroGradients()
        let input = features.detached()
        input.requiresGrad = true
        head.loss(input, labels: labels, generator: &rng).backward()
    }
    let lowRank = HeteroscedasticHead<Float>(featureCount: d, classCount: c, covariance: .lowRank(rank: 3), generator: &rng)
    results["forward_backward_low_rank3_ms"] = medianMilliseconds {
        lowRank.zeroGradients()
        let input = features.detached()
        input.requiresGrad = true
        lowRank.loss(input, labels: labels, generator: &rng).backward()
    }
    let cld = CLDLoss<Float>(classCount: c, featureCount: d, generator: &rng)
    results["cld_forward_backward_ms"] = medianMilliseconds {
        cld.zeroGradients()
        let input = features.detached()
        input.requiresGrad = true
        cld(input).backward()
    }
    for key in results.keys.sorted() {
        print("  hum \(key): \(String(format: "%.2f", results[key]!)) (M=\(m), D=\(d), C=\(c), S=\(s); PyTorch fwd+bwd: 17 ms)")
    }
    return results
}

import Foundation

