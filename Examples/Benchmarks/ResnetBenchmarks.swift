/// Figures of the resnet benchmarks (to be written).
func resnetBenchmarks() -> [String: Double] { [:] }
