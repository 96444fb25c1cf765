import Autodiff
import Foundation

// The benchmark executable: `swift run -c release Benchmarks [group ...] [--output results.json]`.
// Each group lives in its own file and returns named figures; this file only dispatches.
let groups: [(name: String, run: () -> [String: Double])] = [
    ("kernels", kernelBenchmarks),
    ("resnet", resnetBenchmarks),
    ("smallnet", smallNetBenchmarks),
    ("hum", humBenchmarks),
    ("optim", optimizerBenchmarks),
    ("isa", instructionSetBenchmarks),
    ("fusion", fusionBenchmarks),
    ("winograd", winogradBenchmarks),
]

var arguments = Array(CommandLine.arguments.dropFirst())
var outputPath = "benchmark-results.json"
if let flag = arguments.firstIndex(of: "--output"), flag + 1 < arguments.count {
    outputPath = arguments[flag + 1]
    arguments.removeSubrange(flag...(flag + 1))
}
// --storage-cache-within-peak: the storage cache bound to the live peak
// (RuntimeConfiguration.storageCacheWithinLivePeak, off by default), to measure the
// speed/footprint trade-off of Documentation/Performance.md's memory section.
let cacheWithinPeak = arguments.contains("--storage-cache-within-peak")
arguments.removeAll { $0 == "--storage-cache-within-peak" }
// --conv-engine im2col|onednn: the engine of float32 convolutions
// (RuntimeConfiguration.convolutionEngine; LRN_CONV_ENGINE still overrides it).
var convolutionEngine: ConvolutionEngine?
if let flag = arguments.firstIndex(of: "--conv-engine") {
    guard flag + 1 < arguments.count, let engine = ConvolutionEngine(rawValue: arguments[flag + 1]) else {
        FileHandle.standardError.write("--conv-engine: expected \(ConvolutionEngine.allCases.map(\.rawValue).joined(separator: " or "))\n".data(using: .utf8)!)
        exit(2)
    }
    convolutionEngine = engine
    arguments.removeSubrange(flag...(flag + 1))
}
// --no-winograd: inference runs every convolution directly (RuntimeConfiguration.winogradConvolutions),
// for the comparison in Documentation/Performance.md's "Winograd convolutions".
let winograd = !arguments.contains("--no-winograd")
arguments.removeAll { $0 == "--no-winograd" }
if arguments.contains("--help") {
    print("usage: Benchmarks [\(groups.map(\.name).joined(separator: "|")) ...] [--output results.json] [--storage-cache-within-peak] [--conv-engine im2col|onednn] [--no-winograd]")
    exit(0)
}
// Every thread for OpenBLAS too; KernelBenchmarks may narrow it (BENCH_THREADS).
Kernels.configure(RuntimeConfiguration(storageCacheWithinLivePeak: cacheWithinPeak, convolutionEngine: convolutionEngine,
                                       winogradConvolutions: winograd))
let selected = arguments.isEmpty ? groups : groups.filter { arguments.contains($0.name) }
var results: [String: [String: Double]] = [:]
let isaCap = ProcessInfo.processInfo.environment["LRN_MAX_ISA"].map { " (LRN_MAX_ISA=\($0))" } ?? ""
print("kernel instruction set: \(Kernels.instructionSet.rawValue)\(isaCap)")
print("convolution engine (float32): \(Kernels.convolutionEngine.rawValue)\(winograd ? "" : ", no Winograd in inference")")
for group in selected {
    print("== \(group.name)")
    results[group.name] = group.run()
}
let json = try JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys])
try json.write(to: URL(fileURLWithPath: outputPath), options: .atomic)
print("results written to \(outputPath)")
