import Autodiff

/// What is wrong with a tensor's values, for load-time checks: "9408 NaN values",
/// "2 infinite values", "3 NaN values and 1 infinite value"; nil when every value is finite.
/// Weights with NaN or Inf come from a diverged run or a damaged file and would only turn the
/// next loss into NaN, so loading refuses them instead.
public func nonFiniteSummary<S: TensorScalar>(_ tensor: Tensor<S>) -> String? {
    var nan = 0, infinite = 0
    for value in UnsafeBufferPointer(start: tensor.data, count: tensor.count) where !value.isFinite {
        if value.isNaN { nan += 1 } else { infinite += 1 }
    }
    func counted(_ n: Int, _ what: String) -> String { "\(n) \(what) value\(n == 1 ? "" : "s")" }
    switch (nan, infinite) {
    case (0, 0): return nil
    case (_, 0): return counted(nan, "NaN")
    case (0, _): return counted(infinite, "infinite")
    default: return counted(nan, "NaN") + " and " + counted(infinite, "infinite")
    }
}
