/// Figures of the hum benchmarks (to be written).
func humBenchmarks() -> [String: Double] { [:] }
