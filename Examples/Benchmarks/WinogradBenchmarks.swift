import Autodiff
import Foundation

// Winograd convolutions against oneDNN's direct ones on ResNet18's 3x3 stride-1 layers (batch 64,
// 112 px input: 64 channels at 28x28 down to 512 at 4x4), as the library runs them: float32
// tensors in NCHW, reordered into oneDNN's blocks and back at each call. The two configurations
// (`RuntimeConfiguration.winogradConvolutions`) alternate run by run; figures are medians in ms.
// Documentation/Performance.md, "Winograd convolutions".

func winogradBenchmarks() -> [String: Double] {
    let configured = Kernels.configuration ?? RuntimeConfiguration()
    defer { Kernels.configure(configured) }
    func use(winograd: Bool) {
        var c = configured
        c.winogradConvolutions = winograd
        Kernels.configure(c)
    }
    var figures: [String: Double] = [:]
    var rows: [BenchmarkRow] = []
    var rng = RandomGenerator(seed: 9)
    for (channels, size) in [(64, 28), (128, 14), (256, 7), (512, 4)] {
        let x = Tensor<Float>(randomNormal: [64, channels, size, size], generator: &rng, requiresGrad: true)
        let w = Tensor<Float>(randomNormal: [channels, channels, 3, 3], std: 0.05, generator: &rng, requiresGrad: true)
        let seed = Tensor<Float>(randomNormal: [64, channels, size, size], generator: &rng)
        let forward: (Bool) -> () -> Void = { winograd in
            { use(winograd: winograd); _ = Graph.withoutRecording { x.conv2d(weight: w, padding: 1) } }
        }
        let training: (Bool) -> () -> Void = { winograd in
            { use(winograd: winograd); x.grad = nil; w.grad = nil; x.conv2d(weight: w, padding: 1).backward(seed: seed) }
        }
        let t = measureInterleaved(warmup: 1, runs: 7, [forward(false), forward(true), training(false), training(true)])
        let name = "\(channels)x\(size)x\(size)"
        let (directForward, winogradForward) = (Timing.median(t[0].all) * 1e3, Timing.median(t[1].all) * 1e3)
        let (directTraining, winogradTraining) = (Timing.median(t[2].all) * 1e3, Timing.median(t[3].all) * 1e3)
        figures["\(name) forward direct ms"] = directForward
        figures["\(name) forward winograd ms"] = winogradForward
        figures["\(name) forward+backward direct ms"] = directTraining
        figures["\(name) forward+backward winograd ms"] = winogradTraining
        rows.append(BenchmarkRow(name: "\(name) forward", value: directForward / winogradForward, unit: "x",
                                 detail: String(format: "direct %.1f ms, Winograd %.1f ms; %@", directForward, winogradForward, t[1].note)))
        rows.append(BenchmarkRow(name: "\(name) forward+backward", value: directTraining / winogradTraining, unit: "x",
                                 detail: String(format: "direct %.1f ms, Winograd %.1f ms; %@", directTraining, winogradTraining, t[3].note)))
    }
    printTable(rows)
    return figures
}
