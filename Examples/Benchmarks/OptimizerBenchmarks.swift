import Autodiff
import Foundation

/// Optimiser steps over a ResNet18-shaped parameter list (11.2M Float32 parameters in 62
/// tensors), and gradient-norm clipping: milliseconds per step and the memory traffic it implies.
func optimizerBenchmarks() -> [String: Double] {
    var shapes: [[Int]] = [[64, 3, 7, 7], [64], [64]]
    var inChannels = 64
    for (stage, channels) in [64, 128, 256, 512].enumerated() {
        for block in 0..<2 {
            let first = block == 0 ? inChannels : channels
            shapes += [[channels, first, 3, 3], [channels], [channels], [channels, channels, 3, 3], [channels], [channels]]
            if block == 0 && stage > 0 { shapes += [[channels, inChannels, 1, 1], [channels], [channels]] }
        }
        inChannels = channels
    }
    shapes += [[7, 512], [7]]
    var generator = RandomGenerator(seed: 1)
    let parameters = shapes.map { shape -> Tensor<Float> in
        let p = Tensor<Float>(randomNormal: shape, std: 0.05, generator: &generator)
        p.requiresGrad = true
        p.grad = Tensor<Float>(randomNormal: shape, std: 1e-3, generator: &generator)
        return p
    }
    let count = Double(parameters.reduce(0) { $0 + $1.count })
    print("  \(parameters.count) tensors, \(Int(count)) parameters")

    func time(_ label: String, bytesPerElement: Double, repeats: Int = 20, _ body: () -> Void) -> (String, Double) {
        body()  // warm-up: first touch of the state buffers
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { body() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 / Double(repeats)
        let gigabytes = count * bytesPerElement / 1e9
        let padded = label.padding(toLength: 24, withPad: " ", startingAt: 0)
        print("  " + padded + String(format: " %7.2f ms/step  %6.1f GB/s", seconds * 1e3, gigabytes / seconds))
        return (label, seconds * 1e3)
    }

    var figures: [String: Double] = [:]
    do {
        // bytes per element: SGD with momentum reads p, g, buf and writes p, buf; Adam reads
        // p, g, m, v and writes p, m, v; the norm reads g; clipping reads g twice, writes once.
        let sgd = try SGD(parameters: parameters, learningRate: 1e-4, momentum: 0.9, weightDecay: 1e-4)
        let adam = try Adam(parameters: parameters, learningRate: 1e-4)
        let adamW = try AdamW(parameters: parameters, learningRate: 1e-4)
        for (label, ms) in [
            time("sgd_momentum_step_ms", bytesPerElement: 20) { sgd.step() },
            time("adam_step_ms", bytesPerElement: 28) { adam.step() },
            time("adamw_step_ms", bytesPerElement: 28) { adamW.step() },
            time("gradient_norm_ms", bytesPerElement: 4) { _ = gradientNorm(parameters) },
            time("clip_gradient_norm_ms", bytesPerElement: 12) { clipGradientNorm(parameters, maxNorm: 1) },
        ] { figures[label] = ms }
    } catch {
        print("  optimizer benchmark failed: \(error)")
    }
    return figures
}
