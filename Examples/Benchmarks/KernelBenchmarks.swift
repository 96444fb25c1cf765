import Autodiff
import CKernels
import Foundation

// Kernel benchmarks: sgemm through `matmul` vs raw cblas_sgemm, elementwise bandwidth, and the
// 3x3 convolution that dominates ResNet18 (the same shapes as Scripts/bench/torch_workloads.py conv3x3).
// Each figure is the median of several timed runs after warm-up.

/// Machine-wide busy CPU seconds (user + nice + system + irq + softirq, from /proc/stat) and
/// this process's own CPU seconds: their difference is what other processes took meanwhile.
func cpuSeconds() -> (machine: Double, own: Double) {
    var machine = 0.0
    if let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
       let line = text.split(separator: "\n").first {
        let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        if v.count >= 7 { machine = (v[0] + v[1] + v[2] + v[5] + v[6]) / Double(sysconf(Int32(_SC_CLK_TCK))) }
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let own = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
    return (machine, own)
}

/// Timing of one benchmark: median seconds over all runs, and over the quiet runs (those during
/// which other processes used < 0.15 cores) when there are any. The machine is shared.
struct Timing {
    var all: [Double] = []
    var others: [Double] = []
    /// This process's CPU seconds per run: with one thread, a measure of kernel efficiency
    /// that other processes' load barely disturbs.
    var cpu: [Double] = []
    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    var quiet: [Double] { zip(all, others).filter { $0.1 < 0.15 }.map(\.0) }
    /// The figure we report: the quiet median when at least a third of the runs were quiet.
    var seconds: Double { quiet.count * 3 >= all.count && !quiet.isEmpty ? Timing.median(quiet) : Timing.median(all) }
    var othersMean: Double { others.isEmpty ? 0 : others.reduce(0, +) / Double(others.count) }
    var note: String { String(format: "%d/%d quiet, others %.2f cores, own CPU %.1f ms", quiet.count, all.count, othersMean, Timing.median(cpu) * 1e3) }
}

/// Times `body`: `warmup` untimed calls, then `runs` timed ones, each with the CPU that other
/// processes used meanwhile.
func measure(warmup: Int = 2, runs: Int = 7, _ body: () -> Void) -> Timing {
    for _ in 0..<warmup { body() }
    var timing = Timing()
    for _ in 0..<runs {
        let before = cpuSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let after = cpuSeconds()
        timing.all.append(wall)
        timing.cpu.append(after.own - before.own)
        timing.others.append(Swift.max(0, (after.machine - before.machine) - (after.own - before.own)) / wall)
    }
    return timing
}

/// OpenBLAS's own cblas_sgemm, looked up in the process (CKernels links OpenBLAS but does not
/// re-export its header), so the raw library can be timed without our layer in between.
typealias CblasSgemm = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float,
                                       UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
                                       Float, UnsafeMutablePointer<Float>?, Int32) -> Void

func rawCblasSgemm() -> CblasSgemm? {
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "cblas_sgemm") else { return nil }
    return unsafeBitCast(symbol, to: CblasSgemm.self)
}

/// Times several bodies with their runs interleaved, so that a burst of load from other
/// processes hits all of them alike and their ratio stays fair.
func measureInterleaved(warmup: Int = 2, runs: Int = 7, _ bodies: [() -> Void]) -> [Timing] {
    for _ in 0..<warmup { for body in bodies { body() } }
    var timings = [Timing](repeating: Timing(), count: bodies.count)
    for _ in 0..<runs {
        for (i, body) in bodies.enumerated() {
            let one = measure(warmup: 0, runs: 1, body)
            timings[i].all += one.all
            timings[i].others += one.others
            timings[i].cpu += one.cpu
        }
    }
    return timings
}

/// The kernel family OpenBLAS chose at load (e.g. "Haswell" = AVX2, "Cooperlake" = AVX-512):
/// OPENBLAS_CORETYPE in the environment overrides its own detection, and the difference is
/// about 2x on AVX-512 machines.
func openBLASCoreName() -> String {
    typealias CoreName = @convention(c) () -> UnsafePointer<CChar>?
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "openblas_get_corename"),
          let name = unsafeBitCast(symbol, to: CoreName.self)() else { return "unknown" }
    let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { " (OPENBLAS_CORETYPE=\($0) in the environment)" } ?? " (detected)"
    return String(cString: name) + forced
}

/// One row of the printed table.
struct BenchmarkRow {
    let name: String
    let value: Double
    let unit: String
    let detail: String
}

func printTable(_ rows: [BenchmarkRow]) {
    let width = rows.map(\.name.count).max() ?? 10
    for row in rows {
        let padded = row.name.padding(toLength: width, withPad: " ", startingAt: 0)
        print("  \(padded)  \(String(format: "%9.2f", row.value)) \(row.unit.padding(toLength: 8, withPad: " ", startingAt: 0))  \(row.detail)")
    }
}

/// ResNet18's convolutions at 112x112, batch 64 (forward and forward+backward each), to see
/// which shapes lag. Run with BENCH_CONV_LAYERS=1.
func resnetConvLayerTable(rng: inout RandomGenerator) -> [String: Double] {
    let layers: [(name: String, c: Int, o: Int, size: Int, k: Int, stride: Int, pad: Int)] = [
        ("stem 7x7 s2 3->64 112", 3, 64, 112, 7, 2, 3),
        ("3x3 64->64 28", 64, 64, 28, 3, 1, 1),
        ("3x3 s2 64->128 28", 64, 128, 28, 3, 2, 1),
        ("1x1 s2 64->128 28", 64, 128, 28, 1, 2, 0),
        ("3x3 128->128 14", 128, 128, 14, 3, 1, 1),
        ("3x3 s2 128->256 14", 128, 256, 14, 3, 2, 1),
        ("3x3 256->256 7", 256, 256, 7, 3, 1, 1),
        ("3x3 s2 256->512 7", 256, 512, 7, 3, 2, 1),
        ("3x3 512->512 4", 512, 512, 4, 3, 1, 1),
    ]
    var figures: [String: Double] = [:]
    var rows: [BenchmarkRow] = []
    for layer in layers {
        let x = Tensor<Float>(randomNormal: [64, layer.c, layer.size, layer.size], generator: &rng)
        let w = Tensor<Float>(randomNormal: [layer.o, layer.c, layer.k, layer.k], std: 0.05, generator: &rng)
        let geometry = try! Conv2dGeometry(input: x.shape, weight: w.shape, bias: nil, stride: layer.stride, padding: layer.pad, dilation: 1, groups: 1)
        let seed = Tensor<Float>(ones: geometry.outputShape)
        x.requiresGrad = true
        w.requiresGrad = true
        let timings = measureInterleaved(runs: 5, [
            { _ = Graph.withoutRecording { x.conv2d(weight: w, stride: layer.stride, padding: layer.pad) } },
            {
                x.grad = nil; w.grad = nil
                x.conv2d(weight: w, stride: layer.stride, padding: layer.pad).backward(seed: seed)
            },
        ])
        let fwd = geometry.forwardFlops / timings[0].seconds / 1e9, both = 3 * geometry.forwardFlops / timings[1].seconds / 1e9
        let fwdCPU = geometry.forwardFlops / Timing.median(timings[0].cpu) / 1e9, bothCPU = 3 * geometry.forwardFlops / Timing.median(timings[1].cpu) / 1e9
        figures["layer \(layer.name) fwd_gflops"] = fwd
        figures["layer \(layer.name) fwd_bwd_gflops"] = both
        rows.append(BenchmarkRow(name: layer.name, value: fwd, unit: "GFLOP/s",
                                 detail: String(format: "fwd %.1f ms; fwd+bwd %6.1f GFLOP/s %.1f ms; per CPU second: fwd %.1f, fwd+bwd %.1f GFLOP; %@", timings[0].seconds * 1e3, both, timings[1].seconds * 1e3, fwdCPU, bothCPU, timings[1].note)))
    }
    printTable(rows)
    return figures
}

func kernelBenchmarks() -> [String: Double] {
    var rng = RandomGenerator(seed: 2024)
    var rows: [BenchmarkRow] = []
    var figures: [String: Double] = [:]
    if let threads = ProcessInfo.processInfo.environment["BENCH_THREADS"].flatMap(Int.init) { ck_set_num_threads(Int32(threads)) }
    print("  OpenBLAS core: \(openBLASCoreName())")
    if ProcessInfo.processInfo.environment["BENCH_ONLY_RESNET_OPS"] != nil { return opsOnlyResnetBenchmark(rng: &rng) }  // for profiling
    print("  threads: \(ck_max_threads()); figures are medians over quiet runs when enough runs were quiet (see the last column)")

    // ---- sgemm 2048: our matmul (allocates its result) vs cblas_sgemm into a fixed buffer, interleaved.
    let n = 2048
    let a = Tensor<Float>(randomNormal: [n, n], generator: &rng), b = Tensor<Float>(randomNormal: [n, n], generator: &rng)
    let gemmFlops = 2 * pow(Double(n), 3)
    if let sgemm = rawCblasSgemm() {
        let c = Tensor<Float>(zeros: [n, n])
        let t = measureInterleaved(runs: 15, [
            { sgemm(101, 111, 111, Int32(n), Int32(n), Int32(n), 1, a.data, Int32(n), b.data, Int32(n), 0, c.data, Int32(n)) },
            { _ = Graph.withoutRecording { a.matmul(b) } },
        ])
        let raw = t[0].seconds, ours = t[1].seconds
        figures["sgemm2048_cblas_gflops"] = gemmFlops / raw / 1e9
        figures["sgemm2048_matmul_gflops"] = gemmFlops / ours / 1e9
        figures["sgemm2048_matmul_over_cblas"] = raw / ours
        rows.append(BenchmarkRow(name: "sgemm 2048 raw cblas_sgemm", value: gemmFlops / raw / 1e9, unit: "GFLOP/s", detail: String(format: "%.1f ms; %@", raw * 1e3, t[0].note)))
        rows.append(BenchmarkRow(name: "sgemm 2048 through matmul", value: gemmFlops / ours / 1e9, unit: "GFLOP/s",
                                 detail: String(format: "%.1f ms, %.1f%% of raw; %@", ours * 1e3, 100 * raw / ours, t[1].note)))
    }

    // ---- elementwise: x + y over 16M floats (two reads, one write; the result is allocated, as in real use).
    let count = 1 << 24
    let x = Tensor<Float>(randomNormal: [count], generator: &rng), y = Tensor<Float>(randomNormal: [count], generator: &rng)
    let add = Graph.withoutRecording { measure(runs: 9) { _ = x + y } }
    figures["add_16M_gbps"] = Double(3 * count * MemoryLayout<Float>.stride) / add.seconds / 1e9
    rows.append(BenchmarkRow(name: "add 16M floats (x + y), 3 x 64 MB", value: figures["add_16M_gbps"]!, unit: "GB/s", detail: String(format: "%.2f ms; %@", add.seconds * 1e3, add.note)))

    // ---- conv 3x3 64->64 56x56 batch 64, padding 1, no bias (as Scripts/bench/torch_workloads.py conv3x3).
    let input = Tensor<Float>(randomNormal: [64, 64, 56, 56], generator: &rng)
    let weight = Tensor<Float>(randomNormal: [64, 64, 3, 3], std: 0.05, generator: &rng)
    let geometry = try! Conv2dGeometry(input: input.shape, weight: weight.shape, bias: nil, stride: 1, padding: 1, dilation: 1, groups: 1)
    let convFlops = geometry.forwardFlops
    let seed = Tensor<Float>(ones: geometry.outputShape)
    let tracked = input.copy(), trackedWeight = weight.copy()
    tracked.requiresGrad = true
    trackedWeight.requiresGrad = true
    let conv = measureInterleaved(runs: 7, [
        { _ = Graph.withoutRecording { input.conv2d(weight: weight, padding: 1) } },
        {
            tracked.grad = nil
            trackedWeight.grad = nil
            tracked.conv2d(weight: trackedWeight, padding: 1).backward(seed: seed)
        },
    ])
    figures["conv3x3_fwd_gflops"] = convFlops / conv[0].seconds / 1e9
    figures["conv3x3_fwd_bwd_gflops"] = 3 * convFlops / conv[1].seconds / 1e9
    rows.append(BenchmarkRow(name: "conv3x3 64->64 56x56 b64 fwd", value: figures["conv3x3_fwd_gflops"]!, unit: "GFLOP/s", detail: String(format: "%.1f ms; %@", conv[0].seconds * 1e3, conv[0].note)))
    rows.append(BenchmarkRow(name: "conv3x3 64->64 56x56 b64 fwd+bwd", value: figures["conv3x3_fwd_bwd_gflops"]!, unit: "GFLOP/s", detail: String(format: "%.1f ms (3x forward flops); %@", conv[1].seconds * 1e3, conv[1].note)))

    // ---- batch norm (training) forward + backward and max pooling on the same activation.
    let bnWeight = Tensor<Float>(ones: [64], requiresGrad: true), bnBias = Tensor<Float>(zeros: [64], requiresGrad: true)
    let bn = measure(runs: 7) {
        tracked.grad = nil
        tracked.batchNorm(weight: bnWeight, bias: bnBias, runningMean: nil, runningVariance: nil, training: true).backward(seed: seed)
    }
    figures["batchnorm_train_fwd_bwd_ms"] = bn.seconds * 1e3
    rows.append(BenchmarkRow(name: "batchNorm train fwd+bwd [64,64,56,56]", value: bn.seconds * 1e3, unit: "ms", detail: bn.note))
    let poolSeed = Tensor<Float>(ones: [64, 64, 28, 28])
    let pool = measure(runs: 7) {
        tracked.grad = nil
        tracked.maxPool2d(kernelSize: 3, stride: 2, padding: 1).backward(seed: poolSeed)
    }
    figures["maxpool3x3s2_fwd_bwd_ms"] = pool.seconds * 1e3
    rows.append(BenchmarkRow(name: "maxPool2d 3x3 s2 fwd+bwd [64,64,56,56]", value: pool.seconds * 1e3, unit: "ms", detail: pool.note))

    printTable(rows)
    figures.merge(opsOnlyResnetBenchmark(rng: &rng)) { $1 }
    if ProcessInfo.processInfo.environment["BENCH_CONV_LAYERS"] != nil {
        print("  ResNet18 convolutions at 112x112, batch 64 (forward GFLOP/s first):")
        figures.merge(resnetConvLayerTable(rng: &rng)) { $1 }
    }
    return figures
}

/// ResNet18 (7 classes, torchvision's architecture) written directly on the Autodiff ops, with
/// no Layers module: how fast the kernels alone make a training step (forward, cross-entropy,
/// backward; the SGD update is left out, it is a few axpy's). Same shapes as
/// As Scripts/bench/torch_workloads.py resnet18: batch 64, 3x112x112.
final class OpsOnlyResnet18 {
    struct ConvBN {
        let weight: Tensor<Float>
        let gamma: Tensor<Float>, beta: Tensor<Float>
        let runningMean: Tensor<Float>, runningVariance: Tensor<Float>
        let stride: Int, padding: Int

        init(_ c: Int, _ o: Int, kernel: Int, stride: Int, rng: inout RandomGenerator) {
            // Kaiming normal, fan_out, as torchvision initialises ResNet convolutions.
            let std = Float((2.0 / Double(o * kernel * kernel)).squareRoot())
            weight = Tensor(randomNormal: [o, c, kernel, kernel], std: std, generator: &rng, requiresGrad: true)
            gamma = Tensor(ones: [o], requiresGrad: true)
            beta = Tensor(zeros: [o], requiresGrad: true)
            runningMean = Tensor(zeros: [o]); runningVariance = Tensor(ones: [o])
            self.stride = stride
            padding = kernel / 2
        }

        func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
            x.conv2d(weight: weight, stride: stride, padding: padding)
                .batchNorm(weight: gamma, bias: beta, runningMean: runningMean, runningVariance: runningVariance, training: true)
        }

        var parameters: [Tensor<Float>] { [weight, gamma, beta] }
    }

    struct Block {
        let first: ConvBN, second: ConvBN
        let downsample: ConvBN?

        func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
            let identity = downsample.map { $0(x) } ?? x
            return (second(first(x).relu()) + identity).relu()
        }
    }

    let stem: ConvBN
    var blocks: [Block] = []
    let fcWeight: Tensor<Float>, fcBias: Tensor<Float>

    init(classes: Int, rng: inout RandomGenerator) {
        stem = ConvBN(3, 64, kernel: 7, stride: 2, rng: &rng)
        var c = 64
        for (o, stride) in [(64, 1), (128, 2), (256, 2), (512, 2)] {
            for i in 0..<2 {
                let s = i == 0 ? stride : 1
                let down = (s != 1 || c != o) ? ConvBN(c, o, kernel: 1, stride: s, rng: &rng) : nil
                blocks.append(Block(first: ConvBN(c, o, kernel: 3, stride: s, rng: &rng), second: ConvBN(o, o, kernel: 3, stride: 1, rng: &rng), downsample: down))
                c = o
            }
        }
        let bound = Float(1 / Double(512).squareRoot())
        fcWeight = Tensor(randomUniform: [512, classes], low: -bound, high: bound, generator: &rng, requiresGrad: true)
        fcBias = Tensor(randomUniform: [classes], low: -bound, high: bound, generator: &rng, requiresGrad: true)
    }

    var parameters: [Tensor<Float>] {
        stem.parameters + blocks.flatMap { $0.first.parameters + $0.second.parameters + ($0.downsample?.parameters ?? []) } + [fcWeight, fcBias]
    }

    func logits(_ x: Tensor<Float>) -> Tensor<Float> {
        var h = stem(x).relu().maxPool2d(kernelSize: 3, stride: 2, padding: 1)
        for block in blocks { h = block(h) }
        return h.globalAveragePool2d().matmul(fcWeight) + fcBias
    }

    /// Forward, mean cross-entropy against one-hot targets, backward.
    func trainStep(_ x: Tensor<Float>, oneHot: Tensor<Float>) {
        for p in parameters { p.zeroGrad() }
        let loss = -(logits(x).logSoftmax(axis: 1) * oneHot).sum() / Float(x.shape[0])
        loss.backward()
    }
}

/// Forward flops of ResNet18 at 112x112 for one image (2 x multiply-adds of convs and the fc).
func resnet18ForwardFlops(classes: Int) -> Double {
    var flops = 0.0
    func conv(_ c: Int, _ o: Int, _ k: Int, _ outSize: Int) { flops += 2 * Double(o * outSize * outSize * c * k * k) }
    conv(3, 64, 7, 56)
    var c = 64, size = 28
    for (o, stride) in [(64, 1), (128, 2), (256, 2), (512, 2)] {
        size = (size + stride - 1) / stride  // 3x3, padding 1: ceil(size / stride)
        conv(c, o, 3, size); conv(o, o, 3, size); conv(o, o, 3, size); conv(o, o, 3, size)
        if stride != 1 || c != o { conv(c, o, 1, size) }
        c = o
    }
    return flops + 2 * Double(512 * classes)
}

func opsOnlyResnetBenchmark(rng: inout RandomGenerator) -> [String: Double] {
    let batch = 64, classes = 7
    let model = OpsOnlyResnet18(classes: classes, rng: &rng)
    let x = Tensor<Float>(randomNormal: [batch, 3, 112, 112], generator: &rng)
    let oneHot = Tensor<Float>(zeros: [batch, classes])
    for i in 0..<batch { oneHot[i, rng.int(below: classes)] = 1 }
    let step = measure(warmup: 1, runs: 5) { model.trainStep(x, oneHot: oneHot) }
    let infer = measure(warmup: 1, runs: 5) { _ = Graph.withoutRecording { model.logits(x) } }
    let flops = resnet18ForwardFlops(classes: classes) * Double(batch)
    let rows = [
        BenchmarkRow(name: "ResNet18 train step (ops only, b64 112px)", value: Double(batch) / step.seconds, unit: "img/s",
                     detail: String(format: "%.3f s/step, %.1f GFLOP/s (3x fwd flops); %@", step.seconds, 3 * flops / step.seconds / 1e9, step.note)),
        BenchmarkRow(name: "ResNet18 inference (ops only, b64)", value: Double(batch) / infer.seconds, unit: "img/s",
                     detail: String(format: "%.3f s/batch; %@", infer.seconds, infer.note)),
    ]
    printTable(rows)
    return ["resnet18_ops_train_img_per_s": Double(batch) / step.seconds, "resnet18_ops_train_s_per_step": step.seconds,
            "resnet18_ops_train_cpu_s_per_step": Timing.median(step.cpu),
            "resnet18_ops_infer_img_per_s": Double(batch) / infer.seconds, "resnet18_ops_infer_cpu_s_per_batch": Timing.median(infer.cpu),
            "resnet18_forward_gflop_b64": flops / 1e9]
}
