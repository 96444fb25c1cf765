import Autodiff
import Foundation
import Layers

/// The deterministic values of Tools/fixtures/make_layers_fixtures.py (`formula_tensor`,
/// `formula_input`), so that PyTorch reference outputs can be checked without committing weights.
enum FormulaWeights {
    static func phase(_ name: String) -> Double { 0.01 * Double(name.utf8.reduce(0) { $0 + Int($1) }) }

    static func values(name: String, shape: [Int]) -> [Double] {
        let n = shape.reduce(1, *)
        let s = (0..<n).map { Foundation.sin(0.37 * Double($0) + phase(name)) }
        if shape.isEmpty { return [0] }
        if name.hasSuffix("running_mean") { return s.map { 0.1 * $0 } }
        if name.hasSuffix("running_var") { return s.map { 1.0 + 0.5 * $0 * $0 } }
        if shape.count == 1 && name.hasSuffix("weight") { return s.map { 1.0 + 0.2 * $0 } }
        if shape.count == 1 { return s.map { 0.1 * $0 } }
        let scale = 1.5 / Double(n / shape[0]).squareRoot()
        return s.map { $0 * scale }
    }

    /// Overwrites every parameter and buffer of `module` with the formula.
    static func fill<M: Module>(_ module: M) {
        for (name, tensor) in module.namedStateEntries {
            let v = values(name: name, shape: tensor.shape)
            for i in 0..<tensor.count { tensor.data[i] = M.Scalar(v[i]) }
        }
    }

    static func input<S: TensorScalar>(_ shape: [Int]) -> Tensor<S> {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { S(Foundation.sin(0.011 * Double($0) + 0.3)) })
    }
}

/// Largest |a - b| / max(|b|, floor) over two equally long lists.
func maxRelativeError(_ a: [Double], _ b: [Double], floor: Double = 1) -> Double {
    precondition(a.count == b.count, "maxRelativeError: \(a.count) vs \(b.count) values")
    return zip(a, b).map { abs($0 - $1) / max(abs($1), floor) }.max() ?? 0
}
