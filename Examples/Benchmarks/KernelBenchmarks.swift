/// Figures of the kernel benchmarks (to be written).
func kernelBenchmarks() -> [String: Double] { [:] }
